package io.cistern.actors.persistence;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PostgreSQL server for one test class: its own data directory, a free port on 127.0.0.1,
 * started with Debian's server binaries and stopped (by its own pg_ctl) at the end. PostgreSQL refuses
 * to run as root, so under root (as in CI) it runs as the {@code postgres} system user.
 * <p>
 * Missing binaries fail the test with what to install: this test never skips itself.
 */
public final class PostgresServer implements AutoCloseable
{
    private final Path home;
    private final Path bin;
    private final int port;
    private final boolean asPostgres;

    private PostgresServer(final Path home, final Path bin, final int port, final boolean asPostgres)
    {
        this.home = home;
        this.bin = bin;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    public static PostgresServer start() throws Exception
    {
        final Path bin = findBin();
        final boolean root = "root".equals(System.getProperty("user.name"));
        final Path home = Files.createTempDirectory("cistern-pg-");
        final int port = freePort();
        final PostgresServer server = new PostgresServer(home, bin, port, root);
        if (root)
        {
            run(List.of("chown", "-R", "postgres:postgres", home.toString()), 30);
        }
        server.pg(List.of(bin.resolve("initdb").toString(), "-D", home.resolve("data").toString(),
            "-U", "cistern", "--auth=trust", "--encoding=UTF8", "--no-sync"), 120);
        server.pg(List.of(bin.resolve("pg_ctl").toString(), "-D", home.resolve("data").toString(), "-w", "-t", "60",
            "-l", home.resolve("postgres.log").toString(),
            "-o", "-c listen_addresses=127.0.0.1 -p " + port + " -k " + home + " -c fsync=off -c max_connections=50",
            "start"), 90);
        try (Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "cistern", "cistern");
             Statement statement = connection.createStatement())
        {
            statement.execute("CREATE DATABASE cistern");
        }
        return server;
    }

    public String url()
    {
        return "jdbc:postgresql://127.0.0.1:" + port + "/cistern";
    }

    @Override
    public void close() throws Exception
    {
        try
        {
            pg(List.of(bin.resolve("pg_ctl").toString(), "-D", home.resolve("data").toString(), "-m", "fast", "-w", "stop"), 60);
        }
        finally
        {
            try (Stream<Path> files = Files.walk(home))
            {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void pg(final List<String> command, final int timeoutSeconds) throws Exception
    {
        final List<String> full = new ArrayList<>();
        if (asPostgres)
        {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        run(full, timeoutSeconds);
    }

    private static void run(final List<String> command, final int timeoutSeconds) throws Exception
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + String.join(" ", command));
        }
        if (process.exitValue() != 0)
        {
            throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue() + ":\n" +
                new String(output, StandardCharsets.UTF_8));
        }
    }

    private static Path findBin() throws IOException
    {
        final Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root))
        {
            try (Stream<Path> versions = Files.list(root))
            {
                final Path bin = versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.naturalOrder())
                    .orElse(null);
                if (bin != null)
                {
                    return bin;
                }
            }
        }
        throw new IllegalStateException("PostgreSQL server binaries not found under " + root +
            "; install Debian's server: apt-get install postgresql (.ci/run does)");
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket())
        {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}
