package org.pathlens.slides;

import java.io.StringReader;
import java.util.Locale;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The OME-XML an OME-TIFF carries in its first page's ImageDescription: the physical pixel size of
 * its first image ({@code Image/Pixels@PhysicalSizeX/Y} with their {@code PhysicalSizeXUnit/YUnit},
 * micrometres when absent, as the OME schema defaults them).
 */
final class OmeXml {
  private OmeXml() {}

  /** Length units of the OME schema's UnitsLength that a pixel can be measured in, in microns. */
  private static final Map<String, Double> MICRONS =
      Map.ofEntries(
          Map.entry("m", 1e6),
          Map.entry("dm", 1e5),
          Map.entry("cm", 1e4),
          Map.entry("mm", 1e3),
          Map.entry("µm", 1.0), // U+00B5 MICRO SIGN, what the schema writes
          Map.entry("μm", 1.0), // U+03BC GREEK SMALL LETTER MU, what some writers use
          Map.entry("um", 1.0),
          Map.entry("nm", 1e-3),
          Map.entry("pm", 1e-6),
          Map.entry("Å", 1e-4),
          Map.entry("in", 25_400.0),
          Map.entry("thou", 25.4));

  /** Whether an ImageDescription is OME-XML. */
  static boolean isOme(String description) {
    String head = description.stripLeading();
    return head.startsWith("<")
        && description.contains("<OME")
        && description.contains("openmicroscopy.org");
  }

  /** The µm/px of the first image of {@code xml}, from source {@code ome-xml}. */
  static FileMpp mpp(String xml) {
    Element pixels;
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      NodeList found =
          factory
              .newDocumentBuilder()
              .parse(new InputSource(new StringReader(xml)))
              .getElementsByTagNameNS("*", "Pixels");
      if (found.getLength() == 0) {
        return FileMpp.rejected("ome-xml has no Image/Pixels element");
      }
      pixels = (Element) found.item(0);
    } catch (Exception e) {
      return FileMpp.rejected("ome-xml cannot be parsed: " + e.getMessage());
    }
    String x = pixels.getAttribute("PhysicalSizeX"), y = pixels.getAttribute("PhysicalSizeY");
    if (x.isEmpty() || y.isEmpty()) {
      return FileMpp.none();
    }
    try {
      return FileMpp.of(
          Double.parseDouble(x) * microns(pixels.getAttribute("PhysicalSizeXUnit")),
          Double.parseDouble(y) * microns(pixels.getAttribute("PhysicalSizeYUnit")),
          "ome-xml");
    } catch (IllegalArgumentException e) {
      return FileMpp.rejected(
          "ome-xml PhysicalSizeX/Y " + x + " x " + y + " cannot be used: " + e.getMessage());
    }
  }

  private static double microns(String unit) {
    if (unit.isEmpty()) {
      return 1.0;
    }
    Double factor = MICRONS.get(unit);
    if (factor == null) {
      throw new IllegalArgumentException(
          String.format(Locale.ROOT, "unit '%s' is not a length a pixel is measured in", unit));
    }
    return factor;
  }
}
