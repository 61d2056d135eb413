package io.cistern.actors.health;

import io.cistern.actors.drive.DriveStatus;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.actors.volume.VolumeInfo;
import org.apache.pekko.pattern.StatusReply;

import java.util.List;

/** The classes the health monitor's asks expect, generics and all (Java has no class literal for {@code List<X>}). */
final class AskTypes
{
    private AskTypes()
    {
    }

    @SuppressWarnings("unchecked")
    static Class<StatusReply<Object>> statusReply()
    {
        return (Class<StatusReply<Object>>)(Class<?>)StatusReply.class;
    }

    @SuppressWarnings("unchecked")
    static Class<List<DriveStatus>> driveList()
    {
        return (Class<List<DriveStatus>>)(Class<?>)List.class;
    }

    @SuppressWarnings("unchecked")
    static Class<List<SlabLayout>> slabList()
    {
        return (Class<List<SlabLayout>>)(Class<?>)List.class;
    }

    @SuppressWarnings("unchecked")
    static Class<List<VolumeInfo>> volumeList()
    {
        return (Class<List<VolumeInfo>>)(Class<?>)List.class;
    }
}
