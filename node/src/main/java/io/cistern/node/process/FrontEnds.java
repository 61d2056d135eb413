package io.cistern.node.process;

import io.cistern.actors.node.NodeGuardian;
import io.cistern.actors.persistence.JournalQueries;
import io.cistern.actors.reservation.ReservationService;
import io.cistern.actors.reservation.ReservationView;
import io.cistern.actors.volume.Attachments;
import io.cistern.config.CisternSettings;
import io.cistern.node.frontend.iscsi.IscsiServer;
import io.cistern.node.frontend.nbd.NbdServer;
import io.cistern.node.volume.ClusterReservations;
import io.cistern.node.volume.ReservedVolume;
import io.cistern.node.volume.VolumeCatalog;
import org.agrona.CloseHelper;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's block protocol servers over its volume catalog, and the persistent reservations both are
 * checked against: NBD (whose clients meet a reservation as unregistered initiators) and the iSCSI target.
 */
final class FrontEnds implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(FrontEnds.class);

    private final NbdServer nbd;
    private final IscsiServer iscsi;

    private FrontEnds(final NbdServer nbd, final IscsiServer iscsi)
    {
        this.nbd = nbd;
        this.iscsi = iscsi;
    }

    static FrontEnds start(final ActorSystem<NodeGuardian.Command> system, final CisternSettings settings, final VolumeCatalog exports,
                           final Duration timeout) throws IOException
    {
        final Cluster cluster = Cluster.get(Adapter.toClassic(system));
        final long incarnation = cluster.selfUniqueAddress().longUid();
        // Persistent reservations: every node folds them into its table as its journal applies them, and a
        // change is acknowledged once every node's view enforces it.
        // The entity may be moving off a node that just died (downed after cistern.cluster.down-unreachable-after):
        // a reservation change waits twice the ask timeout for it, as initiators wait tens of seconds for a command.
        final ClusterReservations reservations = new ClusterReservations(new ReservationService(system, timeout.multipliedBy(2)),
            timeout.multipliedBy(2));
        system.systemActorOf(ReservationView.create(JournalQueries.of(system).byTag(), reservations), "reservation-view",
            Props.empty());
        // An NBD client cannot register, so it meets a reservation as an unregistered initiator does.
        final NbdServer nbd = NbdServer.start(settings.node().host(), settings.nbd(), ReservedVolume.guarded(exports, reservations),
            Attachments.prefix("nbd", settings.node().name(), incarnation));
        IscsiServer iscsi = null;
        try
        {
            iscsi = IscsiServer.start(settings.node().host(), settings.iscsi().portalGroup(), settings.iscsi(), exports,
                () -> otherPortals(cluster), reservations, Attachments.prefix("iscsi", settings.node().name(), incarnation));
            reservations.fenceWith(iscsi::fence, iscsi::unitAttention);
        }
        catch (final java.net.BindException ex)
        {
            // A cluster laid out before iSCSI has every node on the default port: NBD goes on serving.
            LOG.error("iSCSI target not started: cistern.iscsi.port {} on {} cannot be bound ({}); set a free port in the node's config",
                settings.iscsi().port(), settings.node().host(), ex.getMessage());
        }
        return new FrontEnds(nbd, iscsi);
    }

    /** The iSCSI portals of the other members that are up, from their roles. */
    private static List<String> otherPortals(final Cluster cluster)
    {
        final List<String> portals = new ArrayList<>();
        final org.apache.pekko.cluster.Member self = cluster.selfMember();
        for (final org.apache.pekko.cluster.Member member : cluster.state().getMembers())
        {
            if (member.equals(self) || member.status() != org.apache.pekko.cluster.MemberStatus.up())
            {
                continue;
            }
            final scala.collection.Iterator<String> roles = member.roles().iterator();
            while (roles.hasNext())
            {
                final String role = roles.next();
                if (role.startsWith(PekkoConfig.ISCSI_ROLE_PREFIX))
                {
                    portals.add(role.substring(PekkoConfig.ISCSI_ROLE_PREFIX.length()));
                }
            }
        }
        return portals;
    }

    @Override
    public void close()
    {
        CloseHelper.quietClose(nbd);
        CloseHelper.quietClose(iscsi);
    }
}
