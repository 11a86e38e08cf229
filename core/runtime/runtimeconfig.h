#pragma once
// Thread and BLAS set-up shared by the GUI, the CLI and the tests.
#include <QString>

namespace lepton {

struct RuntimeInfo
{
    int threads = 1;           // intra-op threads used by torch, OpenBLAS and OpenCV
    QString blasLibrary;       // file that provides dgemm_ in this process
    bool openBlas = false;     // true when OpenBLAS (fast) is the loaded BLAS
    QString warning;           // non-empty when the reference BLAS is loaded
    QString torchVersion;
    QString opencvVersion;
};

// Sets torch intra/inter-op threads (inter-op only once per process), OpenBLAS threads
// (its pthread build ignores torch's setting) and OpenCV threads. threads <= 0: one per core.
RuntimeInfo configureRuntime(int threads = 0);
RuntimeInfo runtimeInfo();

} // namespace lepton
