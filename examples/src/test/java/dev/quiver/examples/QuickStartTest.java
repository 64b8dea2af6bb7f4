package dev.quiver.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's example finds what it says it finds, in memory and in a folder, run after run. */
class QuickStartTest {
  @Test
  void findsCatsNearestToTheCatAxis() throws SQLException {
    assertEquals("cats", QuickStart.nearestTitle("jdbc:quiver:mem:", new float[] {1, 0, 0}));
    assertEquals("dogs", QuickStart.nearestTitle("jdbc:quiver:mem:", new float[] {0, 1, 0}));
  }

  @Test
  void runsTwiceOnTheSameFolderDatabase(@TempDir Path folder) throws SQLException {
    String url = "jdbc:quiver:file:" + folder.resolve("db");
    assertEquals("cats", QuickStart.nearestTitle(url, new float[] {1, 0, 0}));
    assertEquals("cats", QuickStart.nearestTitle(url, new float[] {1, 0, 0}));
  }
}
