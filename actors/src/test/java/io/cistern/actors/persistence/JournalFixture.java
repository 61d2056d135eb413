package io.cistern.actors.persistence;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A journal as text, to check in: the rows of pekko-persistence-jdbc's tables (events, tags, snapshots),
 * one tab-separated file per table, binary columns in base64. {@code main} dumps a running cluster's
 * journal (how the fixture under src/test/resources/journal-fixture was recorded); {@link #load} puts the
 * rows into an empty journal of the same schema, for a test to replay.
 */
final class JournalFixture
{
    static final String[] TABLES = {"event_journal", "event_tag", "snapshot"};
    private static final String NULL = "\\N";

    private JournalFixture()
    {
    }

    /** {@code JournalFixture JDBC-URL USER PASSWORD DIRECTORY}: writes the journal's tables to DIRECTORY. */
    public static void main(final String[] args) throws Exception
    {
        try (Connection connection = DriverManager.getConnection(args[0], args[1], args[2]))
        {
            final Path dir = Path.of(args[3]);
            Files.createDirectories(dir);
            for (final String table : TABLES)
            {
                dump(connection, table, dir.resolve(table + ".tsv"));
            }
        }
    }

    private static void dump(final Connection connection, final String table, final Path file) throws SQLException, IOException
    {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT * FROM \"" + table + "\" ORDER BY 1, 2");
             BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8))
        {
            final ResultSetMetaData meta = rows.getMetaData();
            final List<String> names = new ArrayList<>();
            for (int c = 1; c <= meta.getColumnCount(); c++)
            {
                names.add(meta.getColumnName(c));
            }
            out.write(String.join("\t", names));
            out.newLine();
            while (rows.next())
            {
                final List<String> values = new ArrayList<>();
                for (int c = 1; c <= meta.getColumnCount(); c++)
                {
                    final int type = meta.getColumnType(c);
                    if (type == Types.BLOB || type == Types.BINARY || type == Types.VARBINARY || type == Types.LONGVARBINARY)
                    {
                        final byte[] bytes = rows.getBytes(c);
                        values.add(bytes == null ? NULL : Base64.getEncoder().encodeToString(bytes));
                    }
                    else
                    {
                        final String text = rows.getString(c);
                        values.add(text == null ? NULL : text);
                    }
                }
                out.write(String.join("\t", values));
                out.newLine();
            }
        }
    }

    /** Inserts the fixture's rows (a classpath folder) into the journal's empty tables. */
    static int load(final Connection connection, final String resourceFolder) throws SQLException, IOException
    {
        int rows = 0;
        for (final String table : TABLES)
        {
            try (InputStream in = JournalFixture.class.getResourceAsStream(resourceFolder + "/" + table + ".tsv"))
            {
                if (in == null)
                {
                    throw new IOException("no " + table + ".tsv in " + resourceFolder);
                }
                rows += load(connection, table, new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
            }
        }
        return rows;
    }

    private static int load(final Connection connection, final String table, final BufferedReader in) throws SQLException, IOException
    {
        final String[] names = in.readLine().split("\t", -1);
        final StringBuilder sql = new StringBuilder("INSERT INTO \"" + table + "\" (");
        for (int c = 0; c < names.length; c++)
        {
            sql.append(c == 0 ? "" : ", ").append('"').append(names[c]).append('"');
        }
        sql.append(") VALUES (").append("?, ".repeat(names.length - 1)).append("?)");
        int count = 0;
        final int[] types = new int[names.length];
        try (Statement statement = connection.createStatement();
             ResultSet none = statement.executeQuery("SELECT * FROM \"" + table + "\" WHERE 1 = 0"))
        {
            final ResultSetMetaData meta = none.getMetaData();
            for (int c = 0; c < names.length; c++)
            {
                types[c] = meta.getColumnType(none.findColumn(names[c]));
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(sql.toString()))
        {
            for (String line = in.readLine(); line != null; line = in.readLine())
            {
                final String[] values = line.split("\t", -1);
                for (int c = 0; c < names.length; c++)
                {
                    final int type = types[c];
                    if (values[c].equals(NULL))
                    {
                        insert.setNull(c + 1, type);
                    }
                    else if (type == Types.BLOB || type == Types.BINARY || type == Types.VARBINARY || type == Types.LONGVARBINARY)
                    {
                        insert.setBytes(c + 1, Base64.getDecoder().decode(values[c]));
                    }
                    else
                    {
                        insert.setObject(c + 1, values[c], type);
                    }
                }
                insert.executeUpdate();
                count++;
            }
        }
        return count;
    }
}
