package dev.quiver.storage.catalog;

import java.util.Map;
import java.util.Set;

/**
 * The option changes of one {@code ALTER TABLE}: values to set, normalized by {@link
 * Options#tableChanges}, and names to reset to their defaults. Applied by {@link
 * TableDef#withOptions}.
 */
public record OptionChanges(Map<String, String> set, Set<String> reset) {
  public OptionChanges {
    set = Map.copyOf(set);
    reset = Set.copyOf(reset);
  }
}
