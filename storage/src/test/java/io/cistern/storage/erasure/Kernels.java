package io.cistern.storage.erasure;

import java.util.ArrayList;
import java.util.List;

/** Every kernel this JVM can run: tests hold each of them to the same bytes. */
final class Kernels
{
    private Kernels()
    {
    }

    static List<CodingKernel> available()
    {
        final List<CodingKernel> kernels = new ArrayList<>();
        kernels.add(new ScalarKernel());
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent())
        {
            kernels.add(CodingKernel.select("vector", true));
        }
        return kernels;
    }
}
