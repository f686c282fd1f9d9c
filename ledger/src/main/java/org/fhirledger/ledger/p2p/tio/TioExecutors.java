package org.fhirledger.ledger.p2p.tio;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.tio.utils.thread.pool.SynThreadPoolExecutor;

/**
 * Thread pools owned by one transport. t-io's defaults ({@code Threads.getTioExecutor()} and
 * {@code getGroupExecutor()}) are JVM-wide singletons that a config's stop shuts down, which would kill every
 * other node in the same JVM. Rejections only happen after shutdown, so they are discarded silently.
 */
final class TioExecutors {
  private static final int TIO_THREADS = 4;
  private static final int GROUP_THREADS = 2;
  private static final long KEEP_ALIVE_SECONDS = 60;

  private TioExecutors() {}

  /** Runs decode, send and close tasks; a send task waits on its socket write, hence a few threads. */
  static SynThreadPoolExecutor tio(final String name) {
    final SynThreadPoolExecutor executor = new SynThreadPoolExecutor(TIO_THREADS, TIO_THREADS, KEEP_ALIVE_SECONDS,
        new LinkedBlockingQueue<>(), factory(name), name, new ThreadPoolExecutor.DiscardPolicy());
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  /** Backs the AsynchronousChannelGroup: runs the I/O completion handlers (and so the frame handler). */
  static ThreadPoolExecutor group(final String name) {
    final ThreadPoolExecutor executor = new ThreadPoolExecutor(GROUP_THREADS, GROUP_THREADS, KEEP_ALIVE_SECONDS,
        TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory(name), new ThreadPoolExecutor.DiscardPolicy());
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  static ScheduledExecutorService scheduler(final String name) {
    final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, factory(name));
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  static ThreadFactory factory(final String name) {
    final AtomicInteger seq = new AtomicInteger();
    return runnable -> {
      final Thread thread = new Thread(runnable, name + "-" + seq.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
