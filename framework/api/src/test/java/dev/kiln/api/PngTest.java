package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngTest {
  @Test
  void imageIoReadsBackEveryPixel() throws Exception {
    BufferedImage img = new BufferedImage(37, 23, BufferedImage.TYPE_INT_RGB);
    SplittableRandom r = new SplittableRandom(5);
    for (int y = 0; y < 23; y++) for (int x = 0; x < 37; x++) img.setRGB(x, y, r.nextInt(1 << 24));
    byte[] png = Png.encode(img);
    BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(back.getWidth()).isEqualTo(37);
    assertThat(back.getHeight()).isEqualTo(23);
    for (int y = 0; y < 23; y++) for (int x = 0; x < 37; x++) assertThat(back.getRGB(x, y) & 0xffffff).as("pixel %d,%d", x, y).isEqualTo(img.getRGB(x, y) & 0xffffff);
    assertThat(Png.encode(img)).isEqualTo(png);
  }

  @Test
  void onlyRgbImagesAreEncoded() {
    BufferedImage argb = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Png.encode(argb)).isInstanceOf(IllegalArgumentException.class).hasMessage("expected an RGB image, found type 2");
  }
}
