package io.cistern.actors.volume;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AttachmentsTest
{
    @Test
    void aClientIdNamesItsNodeIncarnation()
    {
        final long uid = -4_611_686_018_427_387_904L; // negative as a signed long: written unsigned
        final String client = Attachments.prefix("nbd", "node-2", uid) + "17(/127.0.0.1:40000)";
        assertEquals("nbd@node-2~13835058055282163712#17(/127.0.0.1:40000)", client);
        assertEquals(uid, Attachments.incarnationOf(client));
    }

    @Test
    void anIdWithoutAnIncarnationNamesNone()
    {
        assertEquals(-1, Attachments.incarnationOf("c1"));
        assertEquals(-1, Attachments.incarnationOf("nbd@node-1#3"));
        assertEquals(-1, Attachments.incarnationOf("nbd@node-1~abc#3"));
    }
}
