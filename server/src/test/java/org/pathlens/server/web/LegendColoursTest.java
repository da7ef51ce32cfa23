package org.pathlens.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.awt.Color;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.pathlens.prompts.slides.Viridis;

/**
 * The UI's colour legend is drawn in CSS; its stops must be the colours the server paints the
 * overlay with.
 */
class LegendColoursTest {

  @Test
  void theLegendRampHasViridisStopsAtTheirValues() throws IOException {
    String css;
    try (InputStream in = LegendColoursTest.class.getResourceAsStream("/web/app.css")) {
      assertNotNull(in, "web/app.css on the class path");
      css = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Matcher rule =
        Pattern.compile("\\.ramp \\{[^}]*linear-gradient\\(to right,([^)]*)\\)").matcher(css);
    assertEquals(true, rule.find(), "a .ramp rule with a left-to-right gradient");
    Matcher stop = Pattern.compile("#([0-9a-fA-F]{6}) ([0-9.]+)%").matcher(rule.group(1));
    List<Color> colours = new ArrayList<>();
    List<Double> positions = new ArrayList<>();
    while (stop.find()) {
      colours.add(new Color(Integer.parseInt(stop.group(1), 16)));
      positions.add(Double.parseDouble(stop.group(2)));
    }
    assertEquals(10, colours.size(), rule.group(1));
    for (int k = 0; k < colours.size(); k++) {
      assertEquals(Viridis.of(k / 9.0), colours.get(k), "stop " + k);
      assertEquals(100.0 * k / 9, positions.get(k), 0.001, "stop " + k);
    }
  }
}
