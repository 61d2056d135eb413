package io.cistern.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads and validates the {@code cistern} section of a configuration, once, at start.
 * <p>
 * Every problem is collected as {@code key=value: reason} and reported together in a
 * {@link SettingsException}; a node never starts on a half-understood configuration.
 */
public final class SettingsReader
{
    private final Config config;
    private final ConfigValues values;

    private SettingsReader(final Config config)
    {
        this.config = config;
        this.values = new ConfigValues(config);
    }

    /** Loads {@code file} over the defaults in {@code reference.conf} and validates it. */
    public static CisternSettings load(final Path file)
    {
        if (!Files.isRegularFile(file))
        {
            throw new SettingsException(List.of("--config=" + file + ": no such file"));
        }
        final Config parsed;
        try
        {
            parsed = ConfigFactory.parseFile(file.toFile());
        }
        catch (final ConfigException ex)
        {
            throw new SettingsException(List.of("--config=" + file + ": " + ex.getMessage()));
        }
        return read(ConfigFactory.load(parsed));
    }

    /** Validates an already resolved configuration that includes Cistern's {@code reference.conf}. */
    public static CisternSettings read(final Config config)
    {
        final SettingsReader reader = new SettingsReader(config);
        final CisternSettings settings = reader.settings();
        if (!reader.values.problems().isEmpty())
        {
            throw new SettingsException(reader.values.problems());
        }
        return settings;
    }

    private CisternSettings settings()
    {
        final NodeSettings node = node();
        final ClusterSettings cluster = new ClusterSettings(
            values.port("cistern.cluster.port"),
            seedNodes("cistern.cluster.seed-nodes"),
            values.positiveDuration("cistern.cluster.down-unreachable-after"),
            clusterId());
        final int managementPort = values.port("cistern.management.port");
        final int nbdPort = values.port("cistern.nbd.port");
        final NbdSettings nbd = new NbdSettings(nbdPort, values.positiveDuration("cistern.nbd.handshake-timeout"),
            values.intInRange("cistern.nbd.max-connections", 1, 65536), values.intInRange("cistern.nbd.max-handshakes", 1, 65536));
        final int iscsiPort = values.port("cistern.iscsi.port");
        final IscsiSettings iscsi = new IscsiSettings(iscsiPort, values.positiveDuration("cistern.iscsi.login-timeout"),
            values.intInRange("cistern.iscsi.max-connections", 1, 65536), values.intInRange("cistern.iscsi.max-logins", 1, 65536),
            portalGroup(node.name()), chap());
        final AeronSettings aeron = aeron(node.dataDir());
        final JournalSettings journal = journal();
        final HealthSettings health = new HealthSettings(
            values.positiveDuration("cistern.health.reconcile-interval"),
            values.positiveDuration("cistern.health.ask-timeout"),
            values.positiveDuration("cistern.repair.retire-after"),
            values.positiveDuration("cistern.health.drive-probe-interval"),
            values.intInRange("cistern.repair.rebalance-spread", 1, 100) / 100.0,
            values.intInRange("cistern.repair.rebalance-moves", 1, 64));

        final VolumeSettings volume = new VolumeSettings(
            slabSize("cistern.volume.slab-size"),
            values.enumValue("cistern.volume.fault-domain", FaultDomainLevel.class));

        final ApiSettings api = ApiSettings.read(values);
        final JmxSettings jmx = JmxSettings.read(values, node.host());
        distinctPorts(cluster.port(), managementPort, nbdPort, aeron.port(), journal.replication().port(), iscsiPort, jmx.port());
        final RepairSettings repair = new RepairSettings(values.bytes("cistern.repair.bandwidth", config, "cistern.repair.bandwidth"),
            values.intInRange("cistern.repair.concurrency", 1, 16),
            values.bytes("cistern.repair.scrub-rate", config, "cistern.repair.scrub-rate"), values.positiveDuration("cistern.repair.scrub-interval"));
        return new CisternSettings(node, cluster, managementPort, nbd, iscsi, aeron, journal, health, volume, repair, jmx, api);
    }

    /** cistern.cluster.id: letters, digits, '-' and '_' (it travels in an HTTP header), or "" for none. */
    private String clusterId()
    {
        final String id = values.string("cistern.cluster.id");
        if (id == null || id.isEmpty())
        {
            return null;
        }
        if (!id.matches("[A-Za-z0-9_-]{1,64}"))
        {
            values.problem("cistern.cluster.id", id, "an id is 1 to 64 letters, digits, '-' or '_'");
        }
        return id;
    }

    /** cistern.iscsi.chap: both user and secret, or neither; a secret of 12 to 255 characters (RFC 7143 section 12.1.3). */
    private IscsiSettings.Chap chap()
    {
        final String user = values.string("cistern.iscsi.chap.user");
        final String secret = values.string("cistern.iscsi.chap.secret");
        if (user == null || secret == null || user.isEmpty() && secret.isEmpty())
        {
            return null;
        }
        if (user.isEmpty())
        {
            values.problem("cistern.iscsi.chap.user", "\"\"", "must be set when cistern.iscsi.chap.secret is");
            return null;
        }
        if (secret.length() < 12 || secret.length() > 255)
        {
            values.problem("cistern.iscsi.chap.secret", "(" + secret.length() + " characters)",
                "must be 12 to 255 characters (RFC 7143 asks at least 96 bits of secret)");
            return null;
        }
        return new IscsiSettings.Chap(user, secret);
    }

    /**
     * cistern.iscsi.portal-group, or (0) one derived from the node's name: its trailing number ("node-3" is 3),
     * else a hash of it. Each node's portal is a group of its own, so that its paths are told apart.
     */
    private int portalGroup(final String nodeName)
    {
        final int configured = values.intInRange("cistern.iscsi.portal-group", 0, 65535);
        if (configured > 0)
        {
            return configured;
        }
        int digits = nodeName.length();
        while (digits > 0 && Character.isDigit(nodeName.charAt(digits - 1)))
        {
            digits--;
        }
        if (digits < nodeName.length() && nodeName.length() - digits <= 4)
        {
            final int number = Integer.parseInt(nodeName.substring(digits));
            if (number > 0 && number <= 65535)
            {
                return number;
            }
        }
        return (nodeName.hashCode() & 0x7fff) + 1;
    }

    private NodeSettings node()
    {
        final String name = values.nonEmptyString("cistern.node.name");
        if (name != null && !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}"))
        {
            values.problem("cistern.node.name", name, "must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        final String host = values.nonEmptyString("cistern.node.host");
        final String declaredDomain = values.string("cistern.node.fault-domain");
        final String faultDomain = declaredDomain == null || declaredDomain.isEmpty() ? name : declaredDomain;
        final Path dataDir = values.path("cistern.node.data-dir");
        final MediaType defaultMedia = values.enumValue("cistern.node.default-media-type", MediaType.class);
        return new NodeSettings(name, host, faultDomain, dataDir, drives(defaultMedia), defaultMedia);
    }

    private List<DriveSettings> drives(final MediaType defaultMedia)
    {
        final String key = "cistern.node.drives";
        final List<DriveSettings> drives = new ArrayList<>();
        final List<? extends ConfigValue> entries;
        try
        {
            entries = config.getList(key);
        }
        catch (final ConfigException ex)
        {
            values.problem(key, values.render(key), "must be a list of drives, e.g. [{ path = \"/srv/drive0\" }]");
            return drives;
        }
        final Set<Path> seen = new HashSet<>();
        for (int i = 0; i < entries.size(); i++)
        {
            final String at = key + "[" + i + "]";
            final ConfigValue value = entries.get(i);
            if (value.valueType() != ConfigValueType.OBJECT)
            {
                values.problem(at, values.show(value), "must be an object such as { path = \"/srv/drive0\", media-type = SSD }");
                continue;
            }
            final DriveSettings drive = drive(at, ((com.typesafe.config.ConfigObject)value).toConfig(), defaultMedia);
            if (drive.path() != null && !seen.add(drive.path()))
            {
                values.problem(at + ".path", drive.path().toString(), "is listed more than once");
            }
            drives.add(drive);
        }
        return drives;
    }

    /**
     * One drive as {@code cistern.node.drives} lists it ({@code path}, {@code media-type}, {@code capacity}),
     * checked as the configuration's drives are: for a drive that joins a running node.
     *
     * @param at           where the drive came from, to name in errors.
     * @param defaultMedia the node's {@code default-media-type}, for a drive that declares none.
     * @throws SettingsException naming each thing wrong with it.
     */
    public static DriveSettings readDrive(final String at, final Config drive, final MediaType defaultMedia)
    {
        final SettingsReader reader = new SettingsReader(drive);
        final DriveSettings settings = reader.drive(at, drive, defaultMedia);
        if (!reader.values.problems().isEmpty())
        {
            throw new SettingsException(reader.values.problems());
        }
        return settings;
    }

    /** What a drive entry may say; anything else is a misspelling that would be ignored. */
    private static final List<String> DRIVE_FIELDS = List.of("path", "media-type", "capacity", "overcommit");

    private DriveSettings drive(final String at, final Config drive, final MediaType defaultMedia)
    {
        for (final String field : drive.root().keySet())
        {
            if (!DRIVE_FIELDS.contains(field))
            {
                values.problem(at + "." + field, values.show(drive.root().get(field)), "is not a drive setting; a drive has " +
                    String.join(", ", DRIVE_FIELDS));
            }
        }
        final Path path = drivePath(at + ".path", drive);
        final MediaType media = drive.hasPath("media-type") ?
            values.parseEnum(at + ".media-type", drive.getValue("media-type"), MediaType.class) : defaultMedia;
        long capacity = 0;
        if (drive.hasPath("capacity"))
        {
            capacity = values.bytes(at + ".capacity", drive, "capacity");
        }
        boolean overcommit = false;
        if (drive.hasPath("overcommit"))
        {
            try
            {
                overcommit = drive.getBoolean("overcommit");
            }
            catch (final ConfigException ex)
            {
                values.problem(at + ".overcommit", values.show(drive.root().get("overcommit")), "must be true or false");
            }
            if (overcommit && capacity == 0)
            {
                values.problem(at + ".overcommit", "true", "needs the drive's capacity: it offers that much whatever the filesystem has");
            }
        }
        return new DriveSettings(path, media, capacity, overcommit);
    }

    private Path drivePath(final String key, final Config drive)
    {
        if (!drive.hasPath("path"))
        {
            values.problem(key, "(missing)", "every drive needs a path");
            return null;
        }
        final String raw = drive.getValue("path").unwrapped().toString();
        final Path path;
        try
        {
            path = Path.of(raw).toAbsolutePath().normalize();
        }
        catch (final InvalidPathException ex)
        {
            values.problem(key, raw, "is not a valid path (" + ex.getReason() + ")");
            return null;
        }
        if (!Files.exists(path))
        {
            values.problem(key, raw, "does not exist");
        }
        else if (!Files.isDirectory(path))
        {
            values.problem(key, raw, "is not a directory");
        }
        return path;
    }

    private AeronSettings aeron(final Path dataDir)
    {
        final String dir = values.string("cistern.aeron.dir");
        final Path directory;
        if (dir == null || dir.isEmpty())
        {
            directory = dataDir == null ? null : dataDir.resolve("aeron");
        }
        else
        {
            directory = values.path("cistern.aeron.dir");
        }
        return new AeronSettings(
            values.port("cistern.aeron.port"),
            directory,
            values.enumValue("cistern.aeron.idle-strategy", AeronSettings.IdleStrategyName.class),
            values.enumValue("cistern.aeron.threading-mode", AeronSettings.ThreadingMode.class));
    }

    private JournalSettings journal()
    {
        final JournalSettings.Kind kind = values.enumValue("cistern.journal.kind", JournalSettings.Kind.class);
        final String url = values.string("cistern.journal.url");
        if (kind != null && kind != JournalSettings.Kind.REPLICATED && (url == null || !url.startsWith(kind.urlPrefix())))
        {
            values.problem("cistern.journal.url", url, "a " + kind.name().toLowerCase(Locale.ROOT) +
                " journal needs a URL starting with " + kind.urlPrefix());
        }
        final int poolSize = values.intInRange("cistern.journal.pool-size", 1, 64);
        final JournalSettings.Replication replication = new JournalSettings.Replication(
            values.port("cistern.journal.port"), voters("cistern.journal.voters"),
            values.positiveDuration("cistern.journal.election-timeout"), values.intInRange("cistern.journal.snapshot-every", 100, 10_000_000));
        return new JournalSettings(kind, url, values.string("cistern.journal.user"), values.string("cistern.journal.password"), poolSize,
            replication);
    }

    /** "name@host:port" each; names unique. */
    private List<JournalSettings.Voter> voters(final String key)
    {
        final List<JournalSettings.Voter> voters = new ArrayList<>();
        final List<String> raw = values.stringList(key, "name@host:port");
        if (raw == null)
        {
            return voters;
        }
        for (int i = 0; i < raw.size(); i++)
        {
            final String entry = raw.get(i);
            final int at = entry.indexOf('@');
            final int colon = entry.lastIndexOf(':');
            final Integer port = colon > at + 1 ? values.parsePort(entry.substring(colon + 1)) : null;
            if (at < 1 || port == null)
            {
                values.problem(key + "[" + i + "]", entry, "must be name@host:port (a node's name and its journal port)");
                continue;
            }
            final String name = entry.substring(0, at);
            if (voters.stream().anyMatch(v -> v.name().equals(name)))
            {
                values.problem(key + "[" + i + "]", entry, "names " + name + " twice");
                continue;
            }
            voters.add(new JournalSettings.Voter(name, entry.substring(at + 1, colon), port));
        }
        return voters;
    }

    private long slabSize(final String key)
    {
        if (!config.hasPath(key))
        {
            values.problem(key, "(missing)", "is required");
            return 0;
        }
        final long size = values.bytes(key, config, key);
        if (size > 0 && (size % (1 << 20) != 0 || size > (64L << 30)))
        {
            values.problem(key, values.show(config.getValue(key)), "must be a whole number of MiB, at most 64G");
            return 0;
        }
        return size;
    }

    private List<HostPort> seedNodes(final String key)
    {
        final List<HostPort> seeds = new ArrayList<>();
        final List<String> raw = values.stringList(key, "host:port");
        if (raw == null)
        {
            return seeds;
        }
        if (raw.isEmpty())
        {
            values.problem(key, "[]", "needs at least one seed node (this node's own address starts a new cluster)");
        }
        for (int i = 0; i < raw.size(); i++)
        {
            final String entry = raw.get(i);
            final int colon = entry.lastIndexOf(':');
            final Integer port = colon > 0 ? values.parsePort(entry.substring(colon + 1)) : null;
            if (port == null)
            {
                values.problem(key + "[" + i + "]", entry, "must be host:port with a port in 1-65535");
                continue;
            }
            seeds.add(new HostPort(entry.substring(0, colon), port));
        }
        return seeds;
    }

    private void distinctPorts(final int... ports)
    {
        final String[] keys = {"cistern.cluster.port", "cistern.management.port", "cistern.nbd.port", "cistern.aeron.port",
            "cistern.journal.port", "cistern.iscsi.port", "cistern.jmx.port"};
        for (int i = 0; i < ports.length; i++)
        {
            for (int j = i + 1; j < ports.length; j++)
            {
                if (ports[i] > 0 && ports[i] == ports[j])
                {
                    values.problem(keys[j], Integer.toString(ports[j]), "is already used by " + keys[i]);
                }
            }
        }
    }
}
