package io.kizuna.profile.identity;

import java.util.List;
import java.util.regex.Pattern;

/** The built-in identity types, and the order in which they decide who owns an event when profiles may not merge. */
public final class IdentityTypes {

    public static final String USER_ID = "user_id";
    public static final String ANONYMOUS_ID = "anonymous_id";
    public static final String EMAIL = "email";
    public static final String PHONE = "phone";
    public static final String LINE_USER_ID = "line_user_id";
    public static final String SHOPIFY_CUSTOMER_ID = "shopify_customer_id";

    public static final List<String> BUILT_IN = List.of(USER_ID, SHOPIFY_CUSTOMER_ID, EMAIL, PHONE, LINE_USER_ID, ANONYMOUS_ID);

    /** Custom types: lower-case letters, digits and underscores, starting with a letter. */
    public static final Pattern CUSTOM = Pattern.compile("[a-z][a-z0-9_]{0,49}");

    private IdentityTypes() {
    }

    /** Lower rank wins: a user id outranks an email, which outranks an anonymous id. Custom types rank before anonymous ids. */
    public static int rank(String type) {
        int index = BUILT_IN.indexOf(type);
        if (index < 0) {
            return BUILT_IN.size() - 1;
        }
        return index < BUILT_IN.size() - 1 ? index : BUILT_IN.size();
    }
}
