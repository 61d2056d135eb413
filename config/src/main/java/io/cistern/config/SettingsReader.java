package io.cistern.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads and validates the {@code cistern} section of a configuration, once, at start.
 * <p>
 * Every problem is collected as {@code key=value: reason} and reported together in a
 * {@link SettingsException}; a node never starts on a half-understood configuration.
 */
public final class SettingsReader
{
    private final Config config;
    private final List<String> problems = new ArrayList<>();

    private SettingsReader(final Config config)
    {
        this.config = config;
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
        if (!reader.problems.isEmpty())
        {
            throw new SettingsException(reader.problems);
        }
        return settings;
    }

    private CisternSettings settings()
    {
        final NodeSettings node = node();
        final ClusterSettings cluster = new ClusterSettings(
            port("cistern.cluster.port"),
            seedNodes("cistern.cluster.seed-nodes"),
            positiveDuration("cistern.cluster.down-unreachable-after"));
        final int managementPort = port("cistern.management.port");
        final int nbdPort = port("cistern.nbd.port");
        final NbdSettings nbd = new NbdSettings(nbdPort, positiveDuration("cistern.nbd.handshake-timeout"),
            intInRange("cistern.nbd.max-connections", 1, 65536), intInRange("cistern.nbd.max-handshakes", 1, 65536));
        final AeronSettings aeron = aeron(node.dataDir());
        final JournalSettings journal = journal();
        final HealthSettings health = new HealthSettings(
            positiveDuration("cistern.health.reconcile-interval"),
            positiveDuration("cistern.health.ask-timeout"),
            positiveDuration("cistern.repair.retire-after"),
            positiveDuration("cistern.health.drive-probe-interval"),
            intInRange("cistern.repair.rebalance-spread", 1, 100) / 100.0,
            intInRange("cistern.repair.rebalance-moves", 1, 64));

        final VolumeSettings volume = new VolumeSettings(
            slabSize("cistern.volume.slab-size"),
            enumValue("cistern.volume.fault-domain", FaultDomainLevel.class));

        distinctPorts(cluster.port(), managementPort, nbdPort, aeron.port(), journal.replication().port());
        final RepairSettings repair = new RepairSettings(bytes("cistern.repair.bandwidth", config, "cistern.repair.bandwidth"),
            intInRange("cistern.repair.concurrency", 1, 16),
            bytes("cistern.repair.scrub-rate", config, "cistern.repair.scrub-rate"), positiveDuration("cistern.repair.scrub-interval"));
        return new CisternSettings(node, cluster, managementPort, nbd, aeron, journal, health, volume, repair);
    }

    private NodeSettings node()
    {
        final String name = nonEmptyString("cistern.node.name");
        if (name != null && !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}"))
        {
            problem("cistern.node.name", name, "must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        final String host = nonEmptyString("cistern.node.host");
        final String declaredDomain = string("cistern.node.fault-domain");
        final String faultDomain = declaredDomain == null || declaredDomain.isEmpty() ? name : declaredDomain;
        final Path dataDir = path("cistern.node.data-dir");
        final MediaType defaultMedia = enumValue("cistern.node.default-media-type", MediaType.class);
        return new NodeSettings(name, host, faultDomain, dataDir, drives(defaultMedia), defaultMedia);
    }

    private List<DriveSettings> drives(final MediaType defaultMedia)
    {
        final String key = "cistern.node.drives";
        final List<DriveSettings> drives = new ArrayList<>();
        final List<? extends ConfigValue> values;
        try
        {
            values = config.getList(key);
        }
        catch (final ConfigException ex)
        {
            problem(key, render(key), "must be a list of drives, e.g. [{ path = \"/srv/drive0\" }]");
            return drives;
        }
        final Set<Path> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++)
        {
            final String at = key + "[" + i + "]";
            final ConfigValue value = values.get(i);
            if (value.valueType() != ConfigValueType.OBJECT)
            {
                problem(at, show(value), "must be an object such as { path = \"/srv/drive0\", media-type = SSD }");
                continue;
            }
            final DriveSettings drive = drive(at, ((com.typesafe.config.ConfigObject)value).toConfig(), defaultMedia);
            if (drive.path() != null && !seen.add(drive.path()))
            {
                problem(at + ".path", drive.path().toString(), "is listed more than once");
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
        if (!reader.problems.isEmpty())
        {
            throw new SettingsException(reader.problems);
        }
        return settings;
    }

    private DriveSettings drive(final String at, final Config drive, final MediaType defaultMedia)
    {
        final Path path = drivePath(at + ".path", drive);
        final MediaType media = drive.hasPath("media-type") ?
            parseEnum(at + ".media-type", drive.getValue("media-type"), MediaType.class) : defaultMedia;
        long capacity = 0;
        if (drive.hasPath("capacity"))
        {
            capacity = bytes(at + ".capacity", drive, "capacity");
        }
        return new DriveSettings(path, media, capacity);
    }

    private Path drivePath(final String key, final Config drive)
    {
        if (!drive.hasPath("path"))
        {
            problem(key, "(missing)", "every drive needs a path");
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
            problem(key, raw, "is not a valid path (" + ex.getReason() + ")");
            return null;
        }
        if (!Files.exists(path))
        {
            problem(key, raw, "does not exist");
        }
        else if (!Files.isDirectory(path))
        {
            problem(key, raw, "is not a directory");
        }
        return path;
    }

    private AeronSettings aeron(final Path dataDir)
    {
        final String dir = string("cistern.aeron.dir");
        final Path directory;
        if (dir == null || dir.isEmpty())
        {
            directory = dataDir == null ? null : dataDir.resolve("aeron");
        }
        else
        {
            directory = path("cistern.aeron.dir");
        }
        return new AeronSettings(
            port("cistern.aeron.port"),
            directory,
            enumValue("cistern.aeron.idle-strategy", AeronSettings.IdleStrategyName.class),
            enumValue("cistern.aeron.threading-mode", AeronSettings.ThreadingMode.class));
    }

    private JournalSettings journal()
    {
        final JournalSettings.Kind kind = enumValue("cistern.journal.kind", JournalSettings.Kind.class);
        final String url = string("cistern.journal.url");
        if (kind != null && kind != JournalSettings.Kind.REPLICATED && (url == null || !url.startsWith(kind.urlPrefix())))
        {
            problem("cistern.journal.url", url, "a " + kind.name().toLowerCase(Locale.ROOT) +
                " journal needs a URL starting with " + kind.urlPrefix());
        }
        final int poolSize = intInRange("cistern.journal.pool-size", 1, 64);
        final JournalSettings.Replication replication = new JournalSettings.Replication(
            port("cistern.journal.port"), voters("cistern.journal.voters"),
            positiveDuration("cistern.journal.election-timeout"), intInRange("cistern.journal.snapshot-every", 100, 10_000_000));
        return new JournalSettings(kind, url, string("cistern.journal.user"), string("cistern.journal.password"), poolSize,
            replication);
    }

    /** "name@host:port" each; names unique. */
    private List<JournalSettings.Voter> voters(final String key)
    {
        final List<JournalSettings.Voter> voters = new ArrayList<>();
        final List<String> raw;
        try
        {
            raw = config.getStringList(key);
        }
        catch (final ConfigException ex)
        {
            problem(key, render(key), "must be a list of \"name@host:port\" strings");
            return voters;
        }
        for (int i = 0; i < raw.size(); i++)
        {
            final String entry = raw.get(i);
            final int at = entry.indexOf('@');
            final int colon = entry.lastIndexOf(':');
            final Integer port = colon > at + 1 ? parsePort(entry.substring(colon + 1)) : null;
            if (at < 1 || port == null)
            {
                problem(key + "[" + i + "]", entry, "must be name@host:port (a node's name and its journal port)");
                continue;
            }
            final String name = entry.substring(0, at);
            if (voters.stream().anyMatch(v -> v.name().equals(name)))
            {
                problem(key + "[" + i + "]", entry, "names " + name + " twice");
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
            problem(key, "(missing)", "is required");
            return 0;
        }
        final long size = bytes(key, config, key);
        if (size > 0 && (size % (1 << 20) != 0 || size > (64L << 30)))
        {
            problem(key, show(config.getValue(key)), "must be a whole number of MiB, at most 64G");
            return 0;
        }
        return size;
    }

    private List<HostPort> seedNodes(final String key)
    {
        final List<HostPort> seeds = new ArrayList<>();
        final List<String> raw;
        try
        {
            raw = config.getStringList(key);
        }
        catch (final ConfigException ex)
        {
            problem(key, render(key), "must be a list of \"host:port\" strings");
            return seeds;
        }
        if (raw.isEmpty())
        {
            problem(key, "[]", "needs at least one seed node (this node's own address starts a new cluster)");
        }
        for (int i = 0; i < raw.size(); i++)
        {
            final String entry = raw.get(i);
            final int colon = entry.lastIndexOf(':');
            final Integer port = colon > 0 ? parsePort(entry.substring(colon + 1)) : null;
            if (port == null)
            {
                problem(key + "[" + i + "]", entry, "must be host:port with a port in 1-65535");
                continue;
            }
            seeds.add(new HostPort(entry.substring(0, colon), port));
        }
        return seeds;
    }

    private void distinctPorts(final int... ports)
    {
        final String[] keys = {"cistern.cluster.port", "cistern.management.port", "cistern.nbd.port", "cistern.aeron.port"};
        for (int i = 0; i < ports.length; i++)
        {
            for (int j = i + 1; j < ports.length; j++)
            {
                if (ports[i] > 0 && ports[i] == ports[j])
                {
                    problem(keys[j], Integer.toString(ports[j]), "is already used by " + keys[i]);
                }
            }
        }
    }

    // ---- typed accessors: each records a problem and returns a neutral value rather than throwing ----

    private String string(final String key)
    {
        return get(key, config::getString);
    }

    private String nonEmptyString(final String key)
    {
        final String value = string(key);
        if (value != null && value.isBlank())
        {
            problem(key, "\"" + value + "\"", "must not be empty");
            return null;
        }
        return value;
    }

    private Path path(final String key)
    {
        final String raw = nonEmptyString(key);
        if (raw == null)
        {
            return null;
        }
        try
        {
            return Path.of(raw).toAbsolutePath().normalize();
        }
        catch (final InvalidPathException ex)
        {
            problem(key, raw, "is not a valid path (" + ex.getReason() + ")");
            return null;
        }
    }

    private int port(final String key)
    {
        return intInRange(key, 1, 65535);
    }

    private int intInRange(final String key, final int min, final int max)
    {
        final Integer value = get(key, config::getInt);
        if (value == null)
        {
            return 0;
        }
        if (value < min || value > max)
        {
            problem(key, value.toString(), "must be between " + min + " and " + max);
            return 0;
        }
        return value;
    }

    private Duration positiveDuration(final String key)
    {
        final Duration value = get(key, config::getDuration);
        if (value != null && (value.isNegative() || value.isZero()))
        {
            problem(key, render(key), "must be a positive duration such as 5s or 500ms");
            return null;
        }
        return value;
    }

    private long bytes(final String key, final Config scope, final String relative)
    {
        try
        {
            final long value = scope.getBytes(relative);
            if (value <= 0)
            {
                problem(key, show(scope.getValue(relative)), "must be a positive size such as 8G or 512M");
                return 0;
            }
            return value;
        }
        catch (final ConfigException ex)
        {
            problem(key, show(scope.getValue(relative)), "must be a size in bytes with an optional K, M, G or T suffix (binary units), e.g. 8G");
            return 0;
        }
    }

    private <E extends Enum<E>> E enumValue(final String key, final Class<E> type)
    {
        if (!config.hasPath(key))
        {
            problem(key, "(missing)", "must be one of " + names(type));
            return null;
        }
        return parseEnum(key, config.getValue(key), type);
    }

    private <E extends Enum<E>> E parseEnum(final String key, final ConfigValue value, final Class<E> type)
    {
        final String raw = String.valueOf(value.unwrapped());
        final String normalised = raw.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (final E constant : type.getEnumConstants())
        {
            if (constant.name().equals(normalised))
            {
                return constant;
            }
        }
        problem(key, raw, "must be one of " + names(type));
        return null;
    }

    private static <E extends Enum<E>> String names(final Class<E> type)
    {
        final List<String> names = new ArrayList<>();
        for (final E constant : type.getEnumConstants())
        {
            names.add(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        return String.join(", ", names);
    }

    private <T> T get(final String key, final Function<String, T> getter)
    {
        if (!config.hasPath(key))
        {
            problem(key, "(missing)", "is required");
            return null;
        }
        try
        {
            return getter.apply(key);
        }
        catch (final ConfigException.WrongType | ConfigException.BadValue ex)
        {
            problem(key, render(key), describe(ex));
            return null;
        }
    }

    private static String describe(final ConfigException ex)
    {
        final String message = ex.getMessage();
        final int colon = message.lastIndexOf(": ");
        return colon >= 0 ? message.substring(colon + 2) : message;
    }

    private static Integer parsePort(final String raw)
    {
        try
        {
            final int port = Integer.parseInt(raw);
            return port >= 1 && port <= 65535 ? port : null;
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }

    private String render(final String key)
    {
        return config.hasPath(key) ? show(config.getValue(key)) : "(missing)";
    }

    /** A value as the administrator wrote it: strings without HOCON's quotes. */
    private static String show(final ConfigValue value)
    {
        return value.valueType() == ConfigValueType.STRING ? String.valueOf(value.unwrapped()) : value.render();
    }

    private void problem(final String key, final String value, final String reason)
    {
        problems.add(key + "=" + value + ": " + reason);
    }
}
