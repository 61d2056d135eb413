package io.cistern.node.cli;

import org.h2.tools.Server;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code cistern journal}: the H2 database server that holds a local cluster's journal. It runs in a
 * process of its own so that killing any node never takes the journal with it, as with a real
 * PostgreSQL. Listens on 127.0.0.1 only ({@code -Dh2.bindAddress}, set by the launcher).
 */
@Command(name = "journal", description = "Run the embedded H2 journal server of a local cluster (started by `cistern up`).")
final class JournalCommand implements Callable<Integer>
{
    @Option(names = "--dir", required = true, description = "Directory of the database files.")
    Path dir;

    @Option(names = "--port", defaultValue = "9092", description = "TCP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() throws Exception
    {
        if (!"127.0.0.1".equals(System.getProperty("h2.bindAddress")))
        {
            // Without it H2 listens on every interface.
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
        Files.createDirectories(dir);
        final Server server = Server.createTcpServer(
            "-tcpPort", Integer.toString(port), "-baseDir", dir.toString(), "-ifNotExists").start();
        System.out.println("Journal server listening on " + server.getURL() + " with databases in " + dir);
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            server.stop();
            System.out.println("Journal server stopped");
            stopped.countDown();
        }, "journal-shutdown"));
        stopped.await();
        return 0;
    }
}
