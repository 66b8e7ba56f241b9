package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTest {
  @Test
  void escapesEveryCharacterThatEndsTextOrAnAttribute() {
    assertThat(Html.escape("a<b>&\"c\" 'd'")).isEqualTo("a&lt;b&gt;&amp;&quot;c&quot; &#39;d&#39;");
  }

  @Test
  void aValueCannotLeaveADoubleQuotedAttribute() {
    String attr = "<img alt=\"" + Html.escape("x\" onerror=\"alert(1)") + "\">";
    assertThat(attr).isEqualTo("<img alt=\"x&quot; onerror=&quot;alert(1)\">");
  }

  @Test
  void dropsControlCharactersXmlCannotHoldAndKeepsWhitespaceAndUnicode() {
    assertThat(Html.escape("a\u0000b\u001bc\td\ne\rf é ✓")).isEqualTo("abc\td\ne\rf é ✓");
  }

  @Test
  void nullIsEmpty() {
    assertThat(Html.escape(null)).isEmpty();
  }
}
