package dev.actionqueues.dashboard;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * CSRF tokens without server state: a token is an HMAC of the operator's name under a secret made
 * when the dashboard starts. The page reads its token from the API (a cross-site page cannot: the
 * browser keeps the answer from it) and sends it in {@code X-CSRF-Token} with every mutating request.
 */
final class Csrf {

    private final byte[] secret;

    Csrf(byte[] secret) {
        this.secret = secret.clone();
    }

    String token(String operator) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(operator.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    boolean valid(String operator, String given) {
        return given != null && MessageDigest.isEqual(token(operator).getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.US_ASCII));
    }
}
