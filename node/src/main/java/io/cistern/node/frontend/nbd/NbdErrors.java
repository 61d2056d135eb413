package io.cistern.node.frontend.nbd;

import io.cistern.node.volume.VolumeStatus;

/** A volume's answer in NBD's words: the errno values of proto.md's "Error values". */
final class NbdErrors
{
    private NbdErrors()
    {
    }

    static int errno(final VolumeStatus status)
    {
        switch (status)
        {
            case OK:
                return 0;
            case OUT_OF_RANGE:
            case INVALID:
            case MISCOMPARE:
                return Nbd.EINVAL;
            case NO_SPACE:
                return Nbd.ENOSPC;
            case READ_ONLY:
            case FENCED:
            case RESERVED:
                return Nbd.EPERM;
            default:
                return Nbd.EIO;
        }
    }
}
