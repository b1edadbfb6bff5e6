package dev.spool.c2pa;

import dev.spool.config.Config;
import dev.spool.config.ConfigException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The key and certificate chain (signer first) that sign C2PA manifests. */
public record SigningIdentity(PrivateKey key, List<X509Certificate> chain) {
    private static final Logger log = LoggerFactory.getLogger(SigningIdentity.class);
    /** The C2PA signing extended key usage. */
    private static final KeyPurposeId C2PA_SIGNING =
            KeyPurposeId.getInstance(new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.3.6.1.4.1.62558.2.1"));

    static final String CERT_FILE = "c2pa-cert.pem";
    static final String KEY_FILE = "c2pa-key.pem";

    List<byte[]> chainDer() {
        var der = new ArrayList<byte[]>();
        for (var cert : chain) {
            try {
                der.add(cert.getEncoded());
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException("certificate cannot be encoded: " + e.getMessage(), e);
            }
        }
        return der;
    }

    /** The configured chain and key, or else the self-signed identity in {@code dataDir}. */
    public static SigningIdentity load(Config.C2pa settings, Path dataDir) {
        if (settings.certificate().isPresent()) {
            try {
                return fromPem(settings.certificate().get(), settings.key().orElseThrow());
            } catch (IOException e) {
                throw new ConfigException("SPOOL_C2PA_CERT / SPOOL_C2PA_KEY cannot be read: " + e.getMessage());
            }
        }
        try {
            return selfSigned(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the C2PA signing identity in " + dataDir, e);
        }
    }

    /** A chain and key from PEM files. */
    public static SigningIdentity fromPem(Path certificates, Path key) throws IOException {
        try (var in = Files.newInputStream(certificates)) {
            var chain = new ArrayList<X509Certificate>();
            for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                chain.add((X509Certificate) cert);
            }
            if (chain.isEmpty()) {
                throw new IOException(certificates + " holds no PEM certificate");
            }
            var privateKey = readKey(key);
            if (!(privateKey instanceof ECPrivateKey ec)
                    || ec.getParams().getCurve().getField().getFieldSize() != 256) {
                throw new IOException(key + " is not a P-256 EC key: Spool signs with ES256");
            }
            return new SigningIdentity(privateKey, List.copyOf(chain));
        } catch (GeneralSecurityException e) {
            throw new IOException(certificates + ": " + e.getMessage(), e);
        }
    }

    /**
     * The self-signed identity in {@code dataDir}, made on first use: an ES256 key and a certificate with the C2PA
     * extended key usage. Signatures made with it validate but are on no trust list.
     */
    public static SigningIdentity selfSigned(Path dataDir) throws IOException {
        Path cert = dataDir.resolve(CERT_FILE);
        Path key = dataDir.resolve(KEY_FILE);
        if (!Files.exists(cert) || !Files.exists(key)) {
            generate(cert, key);
            log.warn(
                    "made a self-signed C2PA signing certificate in {}: signatures validate but are on no trust "
                            + "list; set SPOOL_C2PA_CERT and SPOOL_C2PA_KEY to sign with your own",
                    cert);
        }
        return fromPem(cert, key);
    }

    private static PrivateKey readKey(Path key) throws IOException {
        try (var parser = new PEMParser(Files.newBufferedReader(key))) {
            Object pem = parser.readObject();
            var converter = new JcaPEMKeyConverter();
            if (pem instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (pem instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new IOException(key + " holds no PEM private key");
        }
    }

    private static void generate(Path certFile, Path keyFile) throws IOException {
        try {
            var generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            var pair = generator.generateKeyPair();
            var name = new X500Name("CN=Spool self-signed C2PA signer,O=Spool");
            var now = Instant.now();
            var utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                            name,
                            new BigInteger(64, new SecureRandom()),
                            Date.from(now.minus(Duration.ofHours(1))),
                            Date.from(now.plus(Duration.ofDays(3650))),
                            name,
                            pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(C2PA_SIGNING))
                    .addExtension(
                            Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(
                            Extension.authorityKeyIdentifier,
                            false,
                            utils.createAuthorityKeyIdentifier(pair.getPublic()));
            var holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            var cert = new JcaX509CertificateConverter().getCertificate(holder);
            writePrivate(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
            Files.writeString(certFile, pem(cert));
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IOException("cannot make a C2PA signing certificate: " + e.getMessage(), e);
        }
    }

    private static String pem(Object object) throws IOException {
        var text = new StringWriter();
        try (var writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }

    private static void writePrivate(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content);
    }
}
