package dev.spool.access;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.CipherInputStream;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.SecretKey;
import javax.crypto.spec.IvParameterSpec;

/**
 * Decrypts an upload as a stream, in constant memory at any size: AES-CBC, the IV in the first 16 bytes, PKCS#7
 * padding, the AES key unwrapped from the upload's {@code encryptedKey}.
 */
public final class UploadDecryption {
    private static final int IV_BYTES = 16;

    private final UploadKey key;

    public UploadDecryption(UploadKey key) {
        this.key = key;
    }

    public void decrypt(String encryptedKey, Path encrypted, Path plain) throws DecryptionException, IOException {
        SecretKey aes = key.unwrap(encryptedKey);
        long size = Files.size(encrypted);
        if (size < 2 * IV_BYTES || (size - IV_BYTES) % 16 != 0) {
            throw new DecryptionException("the file is " + size + " bytes: AES-CBC gives a 16-byte IV followed by "
                    + "whole 16-byte blocks, so it is corrupt or not encrypted");
        }
        try (InputStream in = Files.newInputStream(encrypted)) {
            byte[] iv = in.readNBytes(IV_BYTES);
            var cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(Cipher.DECRYPT_MODE, aes, new IvParameterSpec(iv));
            try (var decrypted = new CipherInputStream(in, cipher)) {
                Files.copy(decrypted, plain, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (GeneralSecurityException e) {
            throw new DecryptionException("the AES key cannot decrypt this file (" + e.getMessage() + ")");
        } catch (IOException e) {
            if (e.getCause() instanceof BadPaddingException || e.getCause() instanceof IllegalBlockSizeException) {
                Files.deleteIfExists(plain);
                throw new DecryptionException("bad padding at the end of the file: a wrong key, or a corrupt file");
            }
            throw e;
        }
    }
}
