package org.fhirledger.server.index;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * Wraps a DataSource so that every SQL statement executed through it (each {@code execute*} call; a JDBC batch is
 * one) is counted: tests assert how many statements a search costs, so that an N+1 pattern cannot creep in.
 * Counting costs one increment of a {@link LongAdder}.
 */
final class StatementCountingDataSource {
  private static final Set<String> EXECUTES = Set.of("execute", "executeQuery", "executeUpdate", "executeLargeUpdate", "executeBatch",
      "executeLargeBatch");

  private StatementCountingDataSource() {}

  static DataSource wrap(final DataSource target, final LongAdder executed) {
    return (DataSource) proxy(target, DataSource.class, executed);
  }

  private static Object proxy(final Object target, final Class<?> type, final LongAdder executed) {
    final InvocationHandler handler = (proxy, method, args) -> {
      final Object result = invoke(target, method, args);
      if (result instanceof Connection c && method.getReturnType() == Connection.class) {
        return proxy(c, Connection.class, executed);
      }
      if (result instanceof Statement s && Statement.class.isAssignableFrom(method.getReturnType())) {
        return proxy(s, method.getReturnType(), executed);
      }
      if (target instanceof Statement && EXECUTES.contains(method.getName())) {
        executed.increment();
      }
      return result;
    };
    return Proxy.newProxyInstance(StatementCountingDataSource.class.getClassLoader(), new Class<?>[] {type}, handler);
  }

  private static Object invoke(final Object target, final Method method, final Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (final InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
