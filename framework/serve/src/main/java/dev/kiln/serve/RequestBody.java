package dev.kiln.serve;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body read up to a limit. A chunked body has no Content-Length for the server to check
 * first, so the limit holds on the bytes actually read, and reading stops as soon as it is passed.
 */
final class RequestBody {
  private RequestBody() {}

  /** The body, or null when it is longer than {@code max} bytes (then at most {@code max + 1} bytes were read). */
  static byte[] read(HttpServletRequest req, long max) throws IOException {
    long declared = req.getContentLengthLong();
    if (declared > max) return null;
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(declared > 0 ? declared : 8192, max));
    InputStream in = req.getInputStream();
    byte[] buf = new byte[8192];
    long total = 0;
    int n;
    while ((n = in.read(buf)) != -1) {
      total += n;
      if (total > max) return null;
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }
}
