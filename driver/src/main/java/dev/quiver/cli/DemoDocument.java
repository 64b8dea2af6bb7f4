package dev.quiver.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A short text of the demo data set: a headline with its id and category, read from the {@code
 * demo-docs.tsv} resource ({@code id<TAB>category<TAB>title} per line, UTF-8).
 *
 * @param id primary key
 * @param category one of six topics (recipes, travel, science, sports, technology, finance)
 * @param title the headline that gets embedded
 */
public record DemoDocument(long id, String category, String title) {

  static final String RESOURCE = "demo-docs.tsv";

  /** Returns every document of the demo data set, in file order. */
  public static List<DemoDocument> loadAll() {
    try (InputStream in = DemoDocument.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "resource " + RESOURCE + " is missing next to " + DemoDocument.class.getName());
      }
      return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  private static List<DemoDocument> parse(BufferedReader reader) throws IOException {
    List<DemoDocument> documents = new ArrayList<>();
    String line;
    int lineNumber = 0;
    while ((line = reader.readLine()) != null) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.split("\t", -1);
      if (fields.length != 3) {
        throw new IllegalStateException(
            RESOURCE
                + " line "
                + lineNumber
                + ": expected id<TAB>category<TAB>title, got "
                + fields.length
                + " fields: "
                + line);
      }
      documents.add(new DemoDocument(Long.parseLong(fields[0]), fields[1], fields[2]));
    }
    return documents;
  }
}
