package io.cistern.node.api;

import io.cistern.actors.reservation.Nexus;
import io.cistern.actors.reservation.PrOut;
import io.cistern.actors.reservation.ReservationState;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Client ids taken apart for {@code volume attachments}, with each iSCSI session's registration. */
class AttachmentsDocumentTest
{
    private static final String PORT = "iqn.2026-12.test:a,i,0x80aabbccddee";

    @Test
    void anIscsiSessionIsMatchedWithItsRegistrationThroughItsNodesPortalGroup()
    {
        final ReservationState state = ReservationState.EMPTY
            .out(new PrOut(new Nexus(PORT, 2), PrOut.REGISTER, 0, 0, 0, 0xabc, false, false)).next()
            .out(new PrOut(new Nexus(PORT, 2), PrOut.RESERVE, 0, ReservationState.WRITE_EXCLUSIVE, 0xabc, 0, false, false)).next();
        final AttachmentsDocument.Attachment holder =
            AttachmentsDocument.attachment("iscsi@node-2~123#4(/127.0.0.1:5555)[" + PORT + ";2]", state);
        assertEquals("iscsi", holder.protocol());
        assertEquals("node-2", holder.node());
        assertEquals("/127.0.0.1:5555", holder.peer());
        assertEquals(PORT, holder.initiator());
        assertEquals("abc", holder.key());
        assertTrue(holder.holder());

        final AttachmentsDocument.Attachment otherPath =
            AttachmentsDocument.attachment("iscsi@node-3~9#1(/127.0.0.1:6666)[" + PORT + ";3]", state);
        assertNull(otherPath.key(), "a registration is per portal group");
        assertFalse(otherPath.holder());

        final AttachmentsDocument.Attachment nbd = AttachmentsDocument.attachment("nbd@node-1~5#7(/127.0.0.1:7777)", state);
        assertEquals("nbd", nbd.protocol());
        assertNull(nbd.initiator());
    }
}
