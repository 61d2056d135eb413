package io.cistern.storage;

/**
 * Names one extent: one copy of one slab of a volume, stored on one drive. The name is also the
 * extent's file name in its drive directory, so a directory listing is the drive's extent list.
 * <p>
 * File names are canonical: lower-case hex of fixed width, {@code vvvvvvvvvvvvvvvv-ssssssss-cc.extent}
 * (volume, slab, copy), e.g. {@code 000000000000002a-00000003-01.extent}, so that
 * {@code parse(id.fileName())} is {@code id} and {@code parse(name).fileName()} is {@code name}.
 *
 * @param volumeId the volume; any 64-bit value, written as unsigned hex.
 * @param slab     the slab index within the volume, 0 or more.
 * @param copy     which copy of the slab, 0 to {@value #MAX_COPY}.
 */
public record ExtentId(long volumeId, int slab, int copy)
{
    public static final String SUFFIX = ".extent";
    public static final int MAX_COPY = 0xff;

    private static final int VOLUME_DIGITS = 16;
    private static final int SLAB_DIGITS = 8;
    private static final int COPY_DIGITS = 2;
    private static final int NAME_LENGTH = VOLUME_DIGITS + 1 + SLAB_DIGITS + 1 + COPY_DIGITS + SUFFIX.length();

    public ExtentId
    {
        if (slab < 0)
        {
            throw new IllegalArgumentException("slab=" + slab + ": must be 0 or more");
        }
        if (copy < 0 || copy > MAX_COPY)
        {
            throw new IllegalArgumentException("copy=" + copy + ": must be 0.." + MAX_COPY);
        }
    }

    public String fileName()
    {
        // By hand, not String.format: a node checks every slab's file at start, a million of them.
        final StringBuilder name = new StringBuilder(NAME_LENGTH);
        hex(name, volumeId, VOLUME_DIGITS).append('-');
        hex(name, slab & 0xffff_ffffL, SLAB_DIGITS).append('-');
        return hex(name, copy, COPY_DIGITS).append(SUFFIX).toString();
    }

    private static StringBuilder hex(final StringBuilder name, final long value, final int digits)
    {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
        {
            name.append(Character.forDigit((int) (value >>> shift) & 0xf, 16));
        }
        return name;
    }

    /**
     * Reads an extent id back from its file name.
     * <p>
     * A drive directory also holds files that are not extents (the drive header, an unfinished
     * create's temporary file, {@code lost+found}), so meeting one is expected: the answer is
     * {@code null}, not an exception.
     *
     * @return the id, or {@code null} if {@code fileName} is not exactly a canonical extent file name.
     */
    public static ExtentId parse(final String fileName)
    {
        if (fileName.length() != NAME_LENGTH || !fileName.endsWith(SUFFIX) ||
            fileName.charAt(VOLUME_DIGITS) != '-' || fileName.charAt(VOLUME_DIGITS + 1 + SLAB_DIGITS) != '-')
        {
            return null;
        }
        final int slabAt = VOLUME_DIGITS + 1;
        final int copyAt = slabAt + SLAB_DIGITS + 1;
        if (!isLowerHex(fileName, 0, VOLUME_DIGITS) || !isLowerHex(fileName, slabAt, SLAB_DIGITS) ||
            !isLowerHex(fileName, copyAt, COPY_DIGITS))
        {
            return null;
        }
        final long volumeId = Long.parseUnsignedLong(fileName, 0, VOLUME_DIGITS, 16);
        final long slab = Long.parseLong(fileName, slabAt, slabAt + SLAB_DIGITS, 16);
        final int copy = Integer.parseInt(fileName, copyAt, copyAt + COPY_DIGITS, 16);
        if (slab > Integer.MAX_VALUE)
        {
            return null;
        }
        return new ExtentId(volumeId, (int)slab, copy);
    }

    private static boolean isLowerHex(final String text, final int from, final int count)
    {
        for (int i = from; i < from + count; i++)
        {
            final char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            {
                return false;
            }
        }
        return true;
    }
}
