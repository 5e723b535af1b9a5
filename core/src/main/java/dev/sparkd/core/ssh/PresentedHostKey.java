package dev.sparkd.core.ssh;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** A host's public key as sent on the wire, with the type and fingerprint OpenSSH would show. */
record PresentedHostKey(byte[] blob, String keyType, String fingerprint) {

    static PresentedHostKey of(byte[] blob) {
        return new PresentedHostKey(blob.clone(), keyType(blob), fingerprint(blob));
    }

    /** {@code SHA256:} and the unpadded base64 of the blob's SHA-256, as {@code ssh-keygen -l} prints. */
    static String fingerprint(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The key type named at the start of an SSH public key blob, e.g. {@code ssh-ed25519}. */
    static String keyType(byte[] blob) {
        if (blob.length < 4) {
            return "unknown";
        }
        int length = ByteBuffer.wrap(blob, 0, 4).getInt();
        if (length <= 0 || length > 64 || 4 + length > blob.length) {
            return "unknown";
        }
        return new String(blob, 4, length, StandardCharsets.US_ASCII);
    }
}
