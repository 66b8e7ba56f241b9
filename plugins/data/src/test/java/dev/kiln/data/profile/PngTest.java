package dev.kiln.data.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngTest {
  @Test
  void aChartDecodesAtItsSize() throws Exception {
    byte[] png = Charts.histogram("x", "x", new double[] {0, 1, 2, 3}, new long[] {4, 1, 7});
    BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(back.getWidth()).isEqualTo(480);
    assertThat(back.getHeight()).isEqualTo(300);
  }
}
