package io.kizuna.profile.identity;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

import io.kizuna.common.error.BadInputException;

/**
 * Brings identifiers to one canonical form, so that "Hanako@Example.JP" and "hanako@example.jp",
 * or "090-1234-5678" and "+819012345678", are the same person.
 */
@ApplicationScoped
public class IdentityNormalizer {

    public static final int MAX_VALUE_LENGTH = 255;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private final String defaultRegion;
    private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();

    public IdentityNormalizer(@ConfigProperty(name = "kizuna.identity.default-phone-region", defaultValue = "JP") String defaultRegion) {
        this.defaultRegion = defaultRegion.toUpperCase(Locale.ROOT);
    }

    /** Normalises or says why not, naming {@code field}. */
    public Identity normalize(String type, String rawValue, String field) {
        String canonicalType = type == null ? null : type.trim().toLowerCase(Locale.ROOT);
        if (canonicalType == null || !IdentityTypes.CUSTOM.matcher(canonicalType).matches()) {
            throw new BadInputException(field, "identity type must be lower-case letters, digits and underscores");
        }
        if (rawValue == null || rawValue.isBlank()) {
            throw new BadInputException(field, "must not be blank");
        }
        String value = rawValue.trim();
        if (value.length() > MAX_VALUE_LENGTH) {
            throw new BadInputException(field, "must be at most " + MAX_VALUE_LENGTH + " characters");
        }
        return switch (canonicalType) {
            case IdentityTypes.EMAIL -> new Identity(canonicalType, email(value, field));
            case IdentityTypes.PHONE -> new Identity(canonicalType, phone(value, field));
            default -> new Identity(canonicalType, value);
        };
    }

    /** The lenient form used on ingestion: an unusable identifier is simply not used as an identity. */
    public Optional<Identity> tryNormalize(String type, String rawValue) {
        try {
            return Optional.of(normalize(type, rawValue, "identity"));
        } catch (BadInputException e) {
            return Optional.empty();
        }
    }

    private static String email(String value, String field) {
        String lower = value.toLowerCase(Locale.ROOT);
        if (!EMAIL.matcher(lower).matches()) {
            throw new BadInputException(field, "is not an email address");
        }
        return lower;
    }

    private String phone(String value, String field) {
        try {
            PhoneNumber number = phones.parse(value, defaultRegion);
            if (!phones.isValidNumber(number)) {
                throw new BadInputException(field, "is not a valid phone number");
            }
            return phones.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
        } catch (NumberParseException e) {
            throw new BadInputException(field, "is not a phone number");
        }
    }
}
