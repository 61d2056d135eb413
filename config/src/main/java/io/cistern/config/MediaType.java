package io.cistern.config;

/**
 * The kind of medium behind a drive. Declared in configuration because a file-backed drive cannot
 * tell what the filesystem sits on; placement and (later) the cache bind fast media to slow ones.
 */
public enum MediaType
{
    NVME,
    SSD,
    HDD,
    PMEM
}
