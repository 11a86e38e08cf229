// Runtime set-up: OpenBLAS is the loaded BLAS and takes the thread count we give it.
#include "runtime/runtimeconfig.h"

#include <QTest>

#include <dlfcn.h>

using namespace lepton;

class TestRuntime : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void openBlasIsLoadedAndConfigured()
    {
        const RuntimeInfo info = configureRuntime(1);
        QCOMPARE(info.threads, 1);
        QVERIFY2(info.openBlas, qPrintable(info.warning));
        QVERIFY(info.warning.isEmpty());
        QVERIFY2(info.blasLibrary.contains(QStringLiteral("openblas")), qPrintable(info.blasLibrary));
        using GetThreads = int (*)();
        auto get = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
        QVERIFY(get);
        QCOMPARE(get(), 1);
        QCOMPARE(qgetenv("OPENBLAS_NUM_THREADS"), QByteArray("1"));
        configureRuntime(2);
        QCOMPARE(get(), 2);
        QCOMPARE(runtimeInfo().threads, 2);
        QVERIFY(runtimeInfo().torchVersion.startsWith(QStringLiteral("1.")));
    }
};

QTEST_GUILESS_MAIN(TestRuntime)
#include "tst_runtime.moc"
