package io.jgrad.train;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * TFRecord framing, the container of TensorFlow's and TensorBoard's event files: each record is
 * its length (uint64, little-endian), the masked CRC-32C of those 8 bytes (uint32), the data, and
 * the masked CRC-32C of the data. The mask ({@code rotate right by 15, add 0xa282ead8}) is
 * TensorFlow's, so that a CRC computed over data that itself holds CRCs stays informative.
 */
final class TfRecord {
    private static final int MASK_DELTA = 0xa282ead8;

    private TfRecord() {
    }

    /** Writes {@code data} as one framed record. */
    static void write(OutputStream out, byte[] data) throws IOException {
        byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
        out.write(length);
        out.write(le32(maskedCrc32c(length, 0, length.length)));
        out.write(data);
        out.write(le32(maskedCrc32c(data, 0, data.length)));
    }

    /** TensorFlow's masked CRC-32C of {@code len} bytes of {@code b} from {@code off}. */
    static int maskedCrc32c(byte[] b, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(b, off, len);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + MASK_DELTA;
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }
}
