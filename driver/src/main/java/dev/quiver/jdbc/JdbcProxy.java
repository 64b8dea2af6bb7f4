package dev.quiver.jdbc;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The proxy behind each JDBC object Quiver hands out (connection, statements, result sets,
 * metadata): a method that the object's <em>overrides</em> declare with the same signature runs
 * there, any other runs on the Calcite or Avatica object it wraps, and every exception leaves as an
 * {@link java.sql.SQLException} with a SQLState.
 *
 * <p>Overrides hold what Quiver changes (vectors as {@code float[]}, metadata from {@code sys.*},
 * sessions); the hundreds of plain JDBC methods pass through without a line of delegation code.
 */
final class JdbcProxy implements InvocationHandler {
  private static final ClassValue<Overrides> OVERRIDES =
      new ClassValue<>() {
        @Override
        protected Overrides computeValue(Class<?> type) {
          return new Overrides(type);
        }
      };

  /** The methods an overrides class declares, found by the interface method they stand for. */
  private static final class Overrides {
    private final Map<Signature, Method> bySignature = new HashMap<>();
    // Every JDBC call looks up its method: cache the answer per Method (cheap to hash), instead
    // of building a signature, which copies the parameter types, on each call.
    private final Map<Method, Optional<Method>> byMethod = new ConcurrentHashMap<>();

    Overrides(Class<?> type) {
      for (Method m : type.getMethods()) {
        if (m.getDeclaringClass() != Object.class) {
          m.setAccessible(true);
          bySignature.put(new Signature(m), m);
        }
      }
    }

    Method find(Method method) {
      return byMethod
          .computeIfAbsent(method, m -> Optional.ofNullable(bySignature.get(new Signature(m))))
          .orElse(null);
    }
  }

  private final Object delegate;
  private final Object overrides;
  private final Backend backend;

  private JdbcProxy(Object delegate, Object overrides, Backend backend) {
    this.delegate = delegate;
    this.overrides = overrides;
    this.backend = backend;
  }

  /**
   * A proxy implementing {@code type} over a Calcite (embedded) or Avatica (remote) object, with
   * Quiver's overrides.
   */
  static <T> T create(Class<T> type, T delegate, Object overrides, Backend backend) {
    JdbcProxy handler = new JdbcProxy(delegate, overrides, backend);
    try {
      return type.cast(CONSTRUCTORS.get(type).newInstance(handler));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot create a proxy for " + type.getName(), e);
    }
  }

  // Each execution wraps its result set: Proxy.newProxyInstance looks the proxy class up in a
  // cache keyed by class loader and interfaces every time, which showed in top-k profiles.
  private static final ClassValue<Constructor<?>> CONSTRUCTORS =
      new ClassValue<>() {
        @Override
        protected Constructor<?> computeValue(Class<?> type) {
          try {
            return Proxy.newProxyInstance(
                    JdbcProxy.class.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> null)
                .getClass()
                .getConstructor(InvocationHandler.class);
          } catch (NoSuchMethodException e) {
            throw new IllegalStateException("proxy class of " + type.getName(), e);
          }
        }
      };

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        default -> "Quiver " + delegate;
      };
    }
    // A caller unwrapping to a JDBC interface gets this proxy, not the Calcite object behind it,
    // which would bypass vector conversion and batch handling.
    if (args != null && args.length == 1 && args[0] instanceof Class<?> type) {
      if (method.getName().equals("unwrap") && type.isInstance(proxy)) {
        return proxy;
      }
      if (method.getName().equals("isWrapperFor") && type.isInstance(proxy)) {
        return true;
      }
    }
    Method override = OVERRIDES.get(overrides.getClass()).find(method);
    Object result;
    try {
      result = override != null ? override.invoke(overrides, args) : method.invoke(delegate, args);
    } catch (InvocationTargetException e) {
      SQLException failure = backend.translate(e.getCause());
      if (method.getName().equals("close") && backend.goneWithTheServer(failure)) {
        return null;
      }
      throw failure;
    }
    // Result sets handed out by Calcite or Avatica (metadata queries, getResultSet) must convert
    // vectors too.
    if (result instanceof ResultSet rs && !Proxy.isProxyClass(rs.getClass())) {
      return ResultSetOverrides.wrap(
          rs, proxy instanceof Statement statement ? statement : null, backend);
    }
    return result;
  }

  private record Signature(String name, Class<?>[] parameters) {
    Signature(Method m) {
      this(m.getName(), m.getParameterTypes());
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Signature s
          && s.name.equals(name)
          && Arrays.equals(s.parameters, parameters);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + Arrays.hashCode(parameters);
    }
  }
}
