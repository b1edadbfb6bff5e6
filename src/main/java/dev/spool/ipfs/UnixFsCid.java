package dev.spool.ipfs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The CID {@code ipfs add} gives a file with kubo's defaults, computed from the bytes written to it: a UnixFS file
 * as a dag-pb DAG, cut into 256 KiB chunks that are dag-pb UnixFS leaves (no raw leaves), in a balanced tree of at
 * most 174 links per node, named by a CIDv0 ({@code Qm...}, base58btc of the root's sha2-256 multihash). Memory
 * stays constant: one chunk, and per tree level the links not yet folded into a parent.
 */
public final class UnixFsCid extends OutputStream {
    static final int CHUNK_SIZE = 262_144;
    static final int MAX_LINKS = 174;
    private static final int UNIXFS_FILE = 2;
    private static final char[] BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".toCharArray();

    /** A finished node as its parent links to it. */
    private record Link(byte[] multihash, long fileSize, long treeSize) {}

    private final byte[] chunk = new byte[CHUNK_SIZE];
    private int filled;
    private boolean anyChunk;
    /** levels.get(0) holds leaves, levels.get(1) nodes over leaves, and so on. */
    private final List<List<Link>> levels = new ArrayList<>();

    private String cid;

    /** The CID of everything {@code in} holds; reads it to the end and leaves it open. */
    public static String of(InputStream in) throws IOException {
        UnixFsCid cid = new UnixFsCid();
        in.transferTo(cid);
        return cid.cid();
    }

    /** The CID of {@code bytes}. */
    public static String of(byte[] bytes) {
        UnixFsCid cid = new UnixFsCid();
        cid.write(bytes, 0, bytes.length);
        return cid.cid();
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        if (cid != null) {
            throw new IllegalStateException("the CID was already computed; no more bytes can be added");
        }
        while (length > 0) {
            if (filled == CHUNK_SIZE) {
                emitChunk();
            }
            int n = Math.min(length, CHUNK_SIZE - filled);
            System.arraycopy(bytes, offset, chunk, filled, n);
            filled += n;
            offset += n;
            length -= n;
        }
    }

    /** The CID of the bytes written so far; no bytes can be added afterwards. */
    public String cid() {
        if (cid == null) {
            if (filled > 0 || !anyChunk) {
                emitChunk();
            }
            cid = base58(root().multihash());
        }
        return cid;
    }

    private void emitChunk() {
        Proto data = new Proto().varintField(1, UNIXFS_FILE);
        if (filled > 0) {
            // the empty file's single leaf has no data field at all
            data.bytesField(2, chunk, filled);
        }
        byte[] unixfs = data.varintField(3, filled).bytes();
        byte[] node = new Proto().bytesField(1, unixfs, unixfs.length).bytes();
        add(0, new Link(multihash(node), filled, node.length));
        filled = 0;
        anyChunk = true;
    }

    /** Adds a link at {@code level}, first folding that level into its parent when it is full. */
    private void add(int level, Link link) {
        if (levels.size() == level) {
            levels.add(new ArrayList<>());
        }
        List<Link> links = levels.get(level);
        if (links.size() == MAX_LINKS) {
            add(level + 1, parent(links));
            links.clear();
        }
        links.add(link);
    }

    /** Folds the levels from the bottom up; the root is the one link left on top. */
    private Link root() {
        for (int level = 0; ; level++) {
            List<Link> links = levels.get(level);
            boolean top = level == levels.size() - 1;
            if (top && links.size() == 1) {
                return links.get(0);
            }
            Link parent = parent(links);
            links.clear();
            if (top) {
                return parent;
            }
            levels.get(level + 1).add(parent);
        }
    }

    private static Link parent(List<Link> children) {
        Proto unixfs = new Proto().varintField(1, UNIXFS_FILE);
        long fileSize = 0;
        long childTrees = 0;
        for (Link child : children) {
            fileSize += child.fileSize();
            childTrees += child.treeSize();
        }
        unixfs.varintField(3, fileSize);
        for (Link child : children) {
            unixfs.varintField(4, child.fileSize());
        }
        // dag-pb writes the links before the data
        Proto node = new Proto();
        for (Link child : children) {
            byte[] link = new Proto()
                    .bytesField(1, child.multihash(), child.multihash().length)
                    .bytesField(2, new byte[0], 0)
                    .varintField(3, child.treeSize())
                    .bytes();
            node.bytesField(2, link, link.length);
        }
        byte[] data = unixfs.bytes();
        byte[] encoded = node.bytesField(1, data, data.length).bytes();
        return new Link(multihash(encoded), fileSize, encoded.length + childTrees);
    }

    /** sha2-256 multihash: code 0x12, length 32, digest. */
    private static byte[] multihash(byte[] block) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(block);
            byte[] multihash = new byte[34];
            multihash[0] = 0x12;
            multihash[1] = 32;
            System.arraycopy(digest, 0, multihash, 2, 32);
            return multihash;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    static String base58(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        BigInteger value = new BigInteger(1, bytes);
        BigInteger base = BigInteger.valueOf(58);
        while (value.signum() > 0) {
            BigInteger[] division = value.divideAndRemainder(base);
            out.append(BASE58[division[1].intValue()]);
            value = division[0];
        }
        for (int i = 0; i < bytes.length && bytes[i] == 0; i++) {
            out.append(BASE58[0]);
        }
        return out.reverse().toString();
    }

    /** Just enough protobuf writing for UnixFS and dag-pb: varint and length-delimited fields. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varintField(int field, long value) {
            varint((long) field << 3);
            varint(value);
            return this;
        }

        Proto bytesField(int field, byte[] value, int length) {
            varint(((long) field << 3) | 2);
            varint(length);
            out.write(value, 0, length);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void varint(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }
    }
}
