package io.cistern.node.frontend.iscsi.scsi;

/**
 * Who a logical unit is, as INQUIRY tells it: the same volume through every node is the same logical unit
 * (the NAA identifier and serial number come from the volume's id), reached through a different target
 * port on each node.
 *
 * @param volumeId     the volume's id (never reused in a pool).
 * @param targetName   the iSCSI target's name.
 * @param relativePort this node's target port (1-based), distinct per node.
 */
public record UnitIdentity(long volumeId, String targetName, int relativePort)
{
    /** NAA 3 (locally assigned): the NAA nibble and 60 bits of the volume id. */
    public long naa()
    {
        return 3L << 60 | volumeId & 0x0fff_ffff_ffff_ffffL;
    }

    /** The unit serial number (VPD page 0x80): the volume id in hex, 16 digits. */
    public String serial()
    {
        return String.format("%016x", volumeId);
    }
}
