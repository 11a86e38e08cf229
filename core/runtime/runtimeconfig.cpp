#include "runtime/runtimeconfig.h"

#include <ATen/Parallel.h>
#include <opencv2/core/utility.hpp>
#include <torch/torch.h>

#include <QFileInfo>
#include <QMutex>
#include <QThread>

#include <dlfcn.h>
#include <malloc.h>

namespace lepton {
namespace {

QMutex g_mutex;
bool g_interopSet = false;
RuntimeInfo g_info;

// OpenBLAS's pthread build reads OPENBLAS_NUM_THREADS only when it loads (before main),
// so the thread count is set through its API when it is the loaded BLAS.
void detectBlas(RuntimeInfo &info, int threads)
{
    void *dgemm = dlsym(RTLD_DEFAULT, "dgemm_");
    Dl_info where{};
    if (dgemm && dladdr(dgemm, &where) && where.dli_fname)
        info.blasLibrary = QFileInfo(QString::fromLocal8Bit(where.dli_fname)).canonicalFilePath();   // through alternatives
    using SetThreads = void (*)(int);
    auto setThreads = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    info.openBlas = setThreads != nullptr;
    if (setThreads)
        setThreads(threads);
    if (!info.openBlas) {
        info.warning = QStringLiteral(
            "The reference BLAS is loaded (%1): matrix products run ~40x slower. "
            "Install Debian's libopenblas0-pthread.")
                           .arg(info.blasLibrary.isEmpty() ? QStringLiteral("unknown library")
                                                           : info.blasLibrary);
    }
}

} // namespace

RuntimeInfo configureRuntime(int threads)
{
    QMutexLocker lock(&g_mutex);
    if (threads <= 0)
        threads = qMax(1, QThread::idealThreadCount());
    qputenv("OPENBLAS_NUM_THREADS", QByteArray::number(threads));
    qputenv("OMP_NUM_THREADS", QByteArray::number(threads));
    RuntimeInfo info;
    info.threads = threads;
    torch::set_num_threads(threads);
    if (!g_interopSet) {
        // glibc serves blocks over its (adaptive, initially 128 KiB) mmap threshold with a fresh
        // mmap and unmaps them on free, so every activation tensor of a batch paid page faults until
        // some larger free raised the threshold: the same model measured 1,600 samples/s at batch 64
        // early in a process and 11,000 later. Large blocks stay in the heap up to 64 MiB.
        mallopt(M_MMAP_THRESHOLD, 64 << 20);
        mallopt(M_TRIM_THRESHOLD, 256 << 20);
        // May be called only once, before any inter-op parallel work.
        try {
            at::set_num_interop_threads(1);
        } catch (const c10::Error &) {
        }
        g_interopSet = true;
    }
    cv::setNumThreads(threads);
    detectBlas(info, threads);
    info.torchVersion = QStringLiteral("%1.%2.%3").arg(TORCH_VERSION_MAJOR).arg(TORCH_VERSION_MINOR).arg(TORCH_VERSION_PATCH);
    info.opencvVersion = QString::fromLatin1(CV_VERSION);
    g_info = info;
    return info;
}

RuntimeInfo runtimeInfo()
{
    QMutexLocker lock(&g_mutex);
    return g_info;
}

} // namespace lepton
