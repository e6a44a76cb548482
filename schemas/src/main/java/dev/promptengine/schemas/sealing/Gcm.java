package dev.promptengine.schemas.sealing;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** AES-256-GCM with a 12-byte random nonce and a 16-byte tag, as NIST SP 800-38D recommends. */
final class Gcm {

    static final int KEY_BYTES = 32;
    static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Gcm() {}

    static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    static byte[] encrypt(byte[] key, byte[] nonce, byte[] plaintext, byte[] associatedData) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /** @throws AEADBadTagException when the key, nonce or associated data do not match the ciphertext */
    static byte[] decrypt(byte[] key, byte[] nonce, byte[] ciphertext, byte[] associatedData)
            throws AEADBadTagException {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(ciphertext);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed: " + e.getMessage(), e);
        }
    }

    /** nonce ‖ ciphertext+tag, the layout of a wrapped key. */
    static byte[] seal(byte[] key, byte[] plaintext, byte[] associatedData) {
        byte[] nonce = randomBytes(NONCE_BYTES);
        byte[] sealed = encrypt(key, nonce, plaintext, associatedData);
        byte[] out = new byte[NONCE_BYTES + sealed.length];
        System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
        System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
        return out;
    }

    static byte[] open(byte[] key, byte[] sealed, byte[] associatedData) throws AEADBadTagException {
        if (sealed.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new AEADBadTagException("too short for nonce and tag");
        }
        byte[] nonce = java.util.Arrays.copyOfRange(sealed, 0, NONCE_BYTES);
        byte[] body = java.util.Arrays.copyOfRange(sealed, NONCE_BYTES, sealed.length);
        return decrypt(key, nonce, body, associatedData);
    }
}
