package dev.kiln.api;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * A minimal PNG encoder for the charts in reports (8-bit RGB, the Sub filter on every row, deflate):
 * several times faster than ImageIO's writer, which tries every filter on every row, and the same
 * bytes for the same pixels. Used by data/profile and tribuo/evaluate.
 */
public final class Png {
  private Png() {}

  /** The PNG file of an image of type {@link BufferedImage#TYPE_INT_RGB} (any other type: IllegalArgumentException). */
  public static byte[] encode(BufferedImage image) {
    if (image.getType() != BufferedImage.TYPE_INT_RGB) throw new IllegalArgumentException("expected an RGB image, found type " + image.getType());
    int w = image.getWidth();
    int h = image.getHeight();
    int[] px = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    ByteArrayOutputStream raw = new ByteArrayOutputStream(w * h / 4);
    Deflater deflater = new Deflater(6);
    try (DeflaterOutputStream z = new DeflaterOutputStream(raw, deflater, 1 << 16)) {
      byte[] row = new byte[1 + 3 * w];
      row[0] = 1;
      for (int y = 0; y < h; y++) {
        int prev = 0;
        for (int x = 0; x < w; x++) {
          int p = px[y * w + x];
          int i = 1 + 3 * x;
          row[i] = (byte) ((p >> 16) - (prev >> 16));
          row[i + 1] = (byte) ((p >> 8) - (prev >> 8));
          row[i + 2] = (byte) (p - prev);
          prev = p;
        }
        z.write(row);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      deflater.end();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.size() + 64);
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array());
    chunk(out, "IDAT", raw.toByteArray());
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(t);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
