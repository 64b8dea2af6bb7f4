package dev.quiver.storage.file;

import dev.quiver.storage.Engine;
import dev.quiver.storage.QuiverException;
import java.nio.file.Path;

/**
 * A program that opens a database folder in a process of its own and prints the outcome, so that
 * {@link DatabaseLockTest} can try the folder from another process.
 *
 * <p>Prints {@code OPENED} and the row count of each table, or {@code FAILED}, the error code and
 * the message; it always exits, with status 0 when it could report either.
 */
public final class OpenDatabaseMain {
  private OpenDatabaseMain() {}

  public static void main(String[] args) {
    int status = 0;
    try (Engine engine = Engine.open(Path.of(args[0]))) {
      StringBuilder out = new StringBuilder("OPENED");
      for (String name : engine.tableNames()) {
        out.append(' ')
            .append(name)
            .append('=')
            .append(engine.table(name).rowCount(engine.snapshot()));
      }
      System.out.println(out);
    } catch (QuiverException e) {
      System.out.println("FAILED " + e.code() + " " + e.getMessage());
    } catch (Throwable t) {
      t.printStackTrace();
      status = 2;
    } finally {
      System.out.flush();
      System.exit(status);
    }
  }
}
