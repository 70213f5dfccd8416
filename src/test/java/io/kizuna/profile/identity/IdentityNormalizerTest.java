package io.kizuna.profile.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.kizuna.common.error.BadInputException;

class IdentityNormalizerTest {

    private final IdentityNormalizer japan = new IdentityNormalizer("JP");

    @Test
    void emails_are_trimmed_and_lower_cased() {
        assertEquals(new Identity("email", "hanako@example.jp"), japan.normalize("email", "  Hanako@Example.JP ", "value"));
        assertThrows(BadInputException.class, () -> japan.normalize("email", "hanako(at)example.jp", "value"));
    }

    @Test
    void phones_become_e164_with_the_default_region_for_national_numbers() {
        assertEquals("+819012345678", japan.normalize("phone", "090-1234-5678", "value").value());
        assertEquals("+819012345678", japan.normalize("phone", "+81 90 1234 5678", "value").value());
        assertEquals("+819012345678", japan.normalize("phone", "(090) 1234 5678", "value").value());
        assertEquals("+14155552671", japan.normalize("phone", "+1 415 555 2671", "value").value());
        assertEquals("+14155552671", new IdentityNormalizer("US").normalize("phone", "(415) 555-2671", "value").value());
        BadInputException bad = assertThrows(BadInputException.class, () -> japan.normalize("phone", "12", "phone"));
        assertEquals("phone", bad.violations().get(0).field());
    }

    @Test
    void other_types_are_trimmed_and_custom_types_must_be_snake_case() {
        assertEquals(new Identity("line_user_id", "U4af4980629"), japan.normalize("line_user_id", " U4af4980629 ", "value"));
        assertEquals(new Identity("member_no", "A-001"), japan.normalize("Member_No", "A-001", "value"));
        assertThrows(BadInputException.class, () -> japan.normalize("member-no", "A-001", "type"));
        assertThrows(BadInputException.class, () -> japan.normalize("email", " ", "value"));
        assertTrue(japan.tryNormalize("phone", "not a phone").isEmpty());
    }
}
