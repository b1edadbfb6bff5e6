package dev.spool.c2pa;

import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A COSE_Sign1 signature (RFC 9052) over a C2PA claim: ES256, the certificate chain in the protected header's
 * {@code x5chain}, the payload detached (the claim is in its own box).
 */
final class CoseSign1 {
    static final int TAG = 18;
    static final int ALG = 1;
    static final int ES256 = -7;
    static final int X5CHAIN = 33;

    private CoseSign1() {}

    static byte[] sign(byte[] claim, SigningIdentity identity) {
        byte[] protectedHeader = Cbor.encode(protectedHeader(identity.chainDer()));
        byte[] toBeSigned = Cbor.encode(List.of("Signature1", protectedHeader, new byte[0], claim));
        byte[] signature;
        try {
            var signer = Signature.getInstance("SHA256withECDSAinP1363Format");
            signer.initSign(identity.key());
            signer.update(toBeSigned);
            signature = signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ES256 signing failed: " + e.getMessage(), e);
        }
        var sign1 = new ArrayList<>();
        sign1.add(protectedHeader);
        sign1.add(Map.of());
        sign1.add(null);
        sign1.add(signature);
        return Cbor.encode(new Cbor.Tagged(TAG, sign1));
    }

    private static Map<Integer, Object> protectedHeader(List<byte[]> chain) {
        var header = new LinkedHashMap<Integer, Object>();
        header.put(ALG, ES256);
        header.put(X5CHAIN, chain.size() == 1 ? chain.getFirst() : chain);
        return header;
    }
}
