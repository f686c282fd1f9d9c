package org.fhirledger.ledger.kademlia;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fhirledger.ledger.dag.ContentId;

/**
 * Who should hold a chunk by one node's view (the r closest of its routing table and itself), and from that,
 * whom repair and republish ask (HAVE) about which chunks. Pure: reads the table, changes nothing.
 */
final class ReplicaSets {
  private final RoutingTable routing;
  private final Contact self;
  private final int r;

  ReplicaSets(final RoutingTable routing, final Contact self, final int r) {
    this.routing = routing;
    this.self = self;
    this.r = r;
  }

  /** The r closest to the target, self included; {@code extra} counts as known too (a member that just left). */
  List<Contact> closest(final NodeId target, final Contact extra) {
    final List<Contact> set = routing.closest(target, r + 1);
    set.add(self);
    if (extra != null && !set.contains(extra)) {
      set.add(extra);
    }
    set.sort(Contact.byDistanceTo(target));
    return set.size() > r ? new ArrayList<>(set.subList(0, r)) : set;
  }

  /**
   * After {@code gone} left (already out of the table): for each chunk whose r closest included it, if we are
   * now the closest, the others now in the set are asked about it.
   */
  Map<Contact, List<ContentId>> repairProbes(final Collection<ContentId> held, final Contact gone) {
    final Map<Contact, List<ContentId>> probes = new LinkedHashMap<>();
    for (final ContentId id : held) {
      final NodeId key = NodeId.ofContent(id);
      if (!closest(key, gone).contains(gone)) {
        continue;
      }
      final List<Contact> after = closest(key, null);
      if (after.get(0).equals(self)) {
        for (int i = 1; i < after.size(); i++) {
          probes.computeIfAbsent(after.get(i), c -> new ArrayList<>()).add(id);
        }
      }
    }
    return probes;
  }

  /**
   * Republish: for each chunk whose set includes us, the members of the set closer than us; if we are the
   * closest, all the others.
   */
  Map<Contact, List<ContentId>> republishProbes(final Collection<ContentId> held) {
    final Map<Contact, List<ContentId>> probes = new LinkedHashMap<>();
    for (final ContentId id : held) {
      final List<Contact> set = closest(NodeId.ofContent(id), null);
      final int rank = set.indexOf(self);
      for (int i = 0; rank >= 0 && i < set.size(); i++) {
        if (i < rank || rank == 0 && i > 0) {
          probes.computeIfAbsent(set.get(i), c -> new ArrayList<>()).add(id);
        }
      }
    }
    return probes;
  }
}
