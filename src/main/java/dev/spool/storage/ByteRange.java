package dev.spool.storage;

/** A validated byte range of an object; {@code length} -1 means "to the end". */
record ByteRange(long offset, long length) {

    ByteRange {
        if (offset < 0 || length == 0 || length < -1) {
            throw StorageException.invalidRange("byte range offset " + offset + " length " + length
                    + " is invalid: the offset must be >= 0 and the length positive or -1 (to the end)");
        }
    }

    /** The whole object, which is also readable when it is empty. */
    boolean whole() {
        return offset == 0 && length == -1;
    }

    /** A range must start inside the object, as S3 answers 416 otherwise. */
    void requireWithin(long size, String key) {
        if (offset >= size) {
            throw StorageException.invalidRange(
                    "byte range starting at " + offset + " lies beyond the end of '" + key + "' (" + size + " bytes)");
        }
    }

    /** The value of an HTTP Range header. */
    String header() {
        boolean toEnd = length == -1 || length > Long.MAX_VALUE - offset;
        return toEnd ? "bytes=" + offset + "-" : "bytes=" + offset + "-" + (offset + length - 1);
    }
}
