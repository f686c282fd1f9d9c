package org.fhirledger.ledger.p2p.tio;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import org.tio.core.Node;
import org.tio.server.TioServer;
import org.tio.server.TioServerConfig;

/**
 * A TioServer whose start and stop this transport controls. The stock {@code start} keeps its channel group
 * private (so it can only be released through {@code stop}), and {@code stop} waits up to 6000 s per executor
 * while a send task may be parked on a write that the closed group will never complete. Here the group is
 * ours: stop discards pending tasks, interrupts workers and returns at once. Accepting still goes through
 * t-io's own AcceptCompletionHandler, which reads the channel and node through the overridden getters.
 */
final class OwnedTioServer extends TioServer {
  private static final int BACKLOG = 64;
  private final TioServerConfig serverConfig;
  private AsynchronousChannelGroup group;
  private AsynchronousServerSocketChannel channel;
  private Node node;

  OwnedTioServer(final TioServerConfig serverConfig) {
    super(serverConfig);
    this.serverConfig = serverConfig;
  }

  @Override
  public void start(final String host, final int port) throws IOException {
    group = AsynchronousChannelGroup.withThreadPool(serverConfig.groupExecutor);
    try {
      channel = AsynchronousServerSocketChannel.open(group);
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      channel.bind(new InetSocketAddress(host, port), BACKLOG);
    } catch (final IOException | RuntimeException e) {
      stop();
      throw e;
    }
    node = new Node(host, port());
    serverConfig.startTime = System.currentTimeMillis();
    channel.accept(this, serverConfig.getAcceptCompletionHandler());
  }

  int port() {
    try {
      return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    } catch (final IOException e) {
      return -1;
    }
  }

  @Override
  public AsynchronousServerSocketChannel getServerSocketChannel() {
    return channel;
  }

  @Override
  public Node getServerNode() {
    return node;
  }

  /**
   * Executors first, so the accept-failure handler that re-arms accept on the closed channel finds nowhere to
   * run instead of looping; then the group, which closes the listening and accepted sockets.
   */
  @Override
  public boolean stop() {
    setWaitingStop(true);
    serverConfig.setStopped(true);
    serverConfig.tioExecutor.shutdownNow();
    serverConfig.groupExecutor.shutdownNow();
    if (group != null) {
      try {
        group.shutdownNow();
      } catch (final IOException e) {
        return false;
      }
    }
    return true;
  }
}
