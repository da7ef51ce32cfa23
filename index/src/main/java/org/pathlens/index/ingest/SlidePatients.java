package org.pathlens.index.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which patient a slide belongs to, so its tiles carry a {@code patient_id} and patient-level
 * search, similar patients and leave-one-patient-out evaluation work on slides ({@code ingest
 * --patients}): a table of slide to patient, or the TCGA barcode rule.
 */
public sealed interface SlidePatients {

  /** No patient known: tiles get no {@code patient_id}. */
  SlidePatients NONE = new None();

  /**
   * The TCGA barcode rule: a slide id starting {@code TCGA-<TSS>-<participant>} (e.g. {@code
   * TCGA-CR-7395-01A-01-TS1.<uuid>}) belongs to patient {@code TCGA-CR-7395}, the first three
   * fields, as the GDC names cases; slides whose id is no TCGA barcode get none.
   */
  SlidePatients TCGA = new TcgaBarcodes();

  /** The patient of {@code slideId}, if known. */
  Optional<String> patientOf(String slideId);

  /**
   * {@code tcga} for the barcode rule, else a CSV file with a slide column ({@code slide_id},
   * {@code slide} or {@code wsi}: the slide id, i.e. the file name without extension, or the file
   * name) and a patient column ({@code patient_id}, {@code patient} or {@code case_id}).
   */
  static SlidePatients parse(String value) throws IOException {
    if (value.toLowerCase(Locale.ROOT).equals("tcga")) {
      return TCGA;
    }
    return Table.read(Path.of(value));
  }

  /** No patients. */
  record None() implements SlidePatients {
    @Override
    public Optional<String> patientOf(String slideId) {
      return Optional.empty();
    }
  }

  /** The TCGA barcode rule. */
  record TcgaBarcodes() implements SlidePatients {
    private static final Pattern BARCODE =
        Pattern.compile("^(TCGA-[A-Z0-9]{2}-[A-Z0-9]{4})(?:[-.].*)?$");

    @Override
    public Optional<String> patientOf(String slideId) {
      Matcher m = BARCODE.matcher(slideId.toUpperCase(Locale.ROOT));
      return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }
  }

  /** A slide-to-patient table read from CSV. */
  record Table(Map<String, String> bySlide) implements SlidePatients {
    private static final List<String> SLIDE = List.of("slide_id", "slide", "wsi");
    private static final List<String> PATIENT = List.of("patient_id", "patient", "case_id");

    @Override
    public Optional<String> patientOf(String slideId) {
      return Optional.ofNullable(bySlide.get(slideId));
    }

    static Table read(Path csv) throws IOException {
      List<List<String>> rows = CsvRecords.read(csv);
      if (rows.isEmpty()) {
        throw new IllegalArgumentException(
            csv + ": --patients is empty; it needs a header slide_id,patient_id");
      }
      int slide = CsvRecords.column(rows.getFirst(), SLIDE);
      int patient = CsvRecords.column(rows.getFirst(), PATIENT);
      if (slide < 0 || patient < 0) {
        throw new IllegalArgumentException(
            csv
                + ": --patients needs a slide column (slide_id, slide or wsi) and a patient column"
                + " (patient_id, patient or case_id); its header is "
                + rows.getFirst());
      }
      Map<String, String> bySlide = new HashMap<>();
      for (int r = 1; r < rows.size(); r++) {
        List<String> row = rows.get(r);
        String id = row.size() > slide ? SlideFiles.stripExtension(row.get(slide).trim()) : "";
        String of = row.size() > patient ? row.get(patient).trim() : "";
        if (id.isEmpty() || of.isEmpty()) {
          throw new IllegalArgumentException(
              csv + ": row " + (r + 1) + " needs a slide and a patient, got " + row);
        }
        String earlier = bySlide.put(id, of);
        if (earlier != null && !earlier.equals(of)) {
          throw new IllegalArgumentException(
              csv + ": slide " + id + " has two patients, " + earlier + " and " + of);
        }
      }
      return new Table(Map.copyOf(bySlide));
    }
  }
}
