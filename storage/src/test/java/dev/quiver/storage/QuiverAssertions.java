package dev.quiver.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** Assertions on the errors Quiver reports: their code and the values their message names. */
public final class QuiverAssertions {
  private QuiverAssertions() {}

  /**
   * Asserts that the action fails with a {@link QuiverException} of the given code whose message
   * contains every fragment, and returns it.
   */
  public static QuiverException assertFails(
      ErrorCode code, Executable action, String... fragments) {
    QuiverException e = assertThrows(QuiverException.class, action);
    assertEquals(code, e.code(), () -> "wrong code for: " + e.getMessage());
    for (String fragment : fragments) {
      assertTrue(
          e.getMessage().contains(fragment),
          () -> "message '" + e.getMessage() + "' does not name '" + fragment + "'");
    }
    return e;
  }
}
