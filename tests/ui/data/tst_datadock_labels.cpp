// The Data dock's label edits, offscreen, on a 3-class dataset of 9 samples: the class filter,
// moving and excluding thumbnails selected with the mouse, renaming a class in its table cell,
// merging classes, each with Undo/Redo checked against the project file; edits refused while a
// run uses the dataset, "Copy dataset" to edit a copy, and an undo the project refuses.
#include "data/datadock.h"
#include "projectcontext.h"

#include "project/projectstore.h"
#include "widgetlookup.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

using namespace lepton;
using Testing::child;

namespace {

// Sample i (ids 1..9) has class i % 3 of a, b, c; six train, then validation, validation, test.
QString createProject(const QString &path)
{
    auto store = ProjectStore::create(path);
    if (!store)
        return store.error();
    DatasetInfo info;
    info.name = "abc";
    info.kind = "image-folder";
    info.channels = 1;
    info.height = 4;
    info.width = 4;
    info.classes = {"a", "b", "c"};
    QVector<SampleRecord> samples;
    for (int i = 0; i < 9; ++i) {
        SampleRecord s;
        s.path = QStringLiteral("%1.png").arg(i);
        s.label = i % 3;
        s.split = i < 6 ? Split::Train : (i < 8 ? Split::Validation : Split::Test);
        s.hash = QByteArray::number(i).repeated(4);
        s.pixels = QByteArray(16, char(i * 20));
        samples << s;
    }
    auto id = store.value()->addDataset(info, samples);
    return id ? QString() : id.error();
}

QVector<int> labels(ProjectContext &project, qint64 datasetId = 1)
{
    QVector<int> out;
    for (const SampleRecord &s : project.store()->samples(datasetId, std::nullopt, false).value())
        out << s.label;
    return out;
}

QStringList thumbnailTexts(QListView *view)
{
    QStringList texts;
    for (int r = 0; r < view->model()->rowCount(); ++r)
        texts << view->model()->index(r, 0).data().toString();
    return texts;
}

// Clicks thumbnail `row` (with Ctrl: adds it to the selection).
void clickThumbnail(QListView *view, int row, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
{
    const QModelIndex index = view->model()->index(row, 0);
    view->scrollTo(index);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, modifiers, view->visualRect(index).center());
}

void choose(QComboBox *combo, const QString &text)
{
    const int index = combo->findText(text);
    QVERIFY2(index >= 0, qPrintable(text));
    combo->setCurrentIndex(index);
}

} // namespace

class TestDataDockLabels : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_path;
    ProjectContext *m_project = nullptr;
    DataDock *m_dock = nullptr;

private slots:
    void init()
    {
        static int n = 0;
        m_path = m_dir.filePath(QStringLiteral("labels%1.lepton").arg(++n));
        const QString error = createProject(m_path);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_project = new ProjectContext;
        m_dock = new DataDock(m_project);
        m_dock->resize(1000, 700);
        m_dock->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_dock));
        QVERIFY(m_project->open(m_path).ok());
        QCOMPARE(m_dock->currentDatasetId(), 1);
    }
    void cleanup()
    {
        delete m_dock;
        delete m_project;
    }

    void moveSelectedSamplesAndUndo()
    {
        auto view = child<QListView>(m_dock, "dataThumbnails");
        auto move = child<QPushButton>(m_dock, "dataRelabelButton");
        QCOMPARE(view->model()->rowCount(), 9);
        QVERIFY(!move->isEnabled());   // nothing selected

        // The class filter shows b's three samples.
        choose(child<QComboBox>(m_dock, "dataClassFilter"), "b");
        QCOMPARE(thumbnailTexts(view), QStringList({"b", "b", "b"}));
        clickThumbnail(view, 0);
        clickThumbnail(view, 2, Qt::ControlModifier);
        QCOMPARE(m_dock->selectedSampleIds(), QVector<qint64>({2, 8}));
        QCOMPARE(child<QLabel>(m_dock, "dataSelectionNote")->text(), QStringLiteral("2 sample(s) selected"));
        choose(child<QComboBox>(m_dock, "dataRelabelTarget"), "c");
        QVERIFY(move->isEnabled());
        QTest::mouseClick(move, Qt::LeftButton);

        const QVector<int> before{0, 1, 2, 0, 1, 2, 0, 1, 2};
        const QVector<int> after{0, 2, 2, 0, 1, 2, 0, 2, 2};
        QCOMPARE(labels(*m_project), after);
        QCOMPARE(thumbnailTexts(view), QStringList({"b"}));   // still filtered on b
        auto table = child<QTableWidget>(m_dock, "dataClassTable");
        QCOMPARE(table->item(1, 1)->text(), QStringLiteral("1"));
        QCOMPARE(table->item(2, 1)->text(), QStringLiteral("5"));
        QCOMPARE(table->item(2, 3)->text(), QStringLiteral("1"));   // sample 8 is a validation sample

        auto undo = child<QPushButton>(m_dock, "dataUndoButton");
        auto redo = child<QPushButton>(m_dock, "dataRedoButton");
        QVERIFY(undo->isEnabled());
        QVERIFY(!redo->isEnabled());
        QCOMPARE(undo->toolTip(), QStringLiteral("Undo move 2 sample(s) to 'c'"));
        QTest::mouseClick(undo, Qt::LeftButton);
        QCOMPARE(labels(*m_project), before);
        QCOMPARE(table->item(1, 1)->text(), QStringLiteral("3"));
        QVERIFY(redo->isEnabled());
        QTest::mouseClick(redo, Qt::LeftButton);
        QCOMPARE(labels(*m_project), after);
        // Reopening the project reads the edit from the file.
        m_project->close();
        QVERIFY(m_project->open(m_path).ok());
        QCOMPARE(labels(*m_project), after);
        QVERIFY(!undo->isEnabled());   // a new project starts a new history
    }

    void excludeAndUndo()
    {
        auto view = child<QListView>(m_dock, "dataThumbnails");
        const QByteArray pixels = m_project->store()->samples(1)->at(3).pixels;
        clickThumbnail(view, 3);
        QCOMPARE(m_dock->selectedSampleIds(), QVector<qint64>({4}));
        QTest::mouseClick(child<QPushButton>(m_dock, "dataExcludeButton"), Qt::LeftButton);
        QCOMPARE(m_project->store()->dataset(1)->sampleCount(), 8);
        QCOMPARE(view->model()->rowCount(), 8);
        QVERIFY(child<QComboBox>(m_dock, "dataDatasetCombo")->currentText().contains("8 samples"));
        QTest::mouseClick(child<QPushButton>(m_dock, "dataUndoButton"), Qt::LeftButton);
        auto samples = m_project->store()->samples(1).value();
        QCOMPARE(samples.size(), 9);
        QCOMPARE(samples[3].id, 4);
        QCOMPARE(samples[3].label, 0);
        QCOMPARE(samples[3].pixels, pixels);
    }

    // Rename in the table cell (typed, Enter), then merge the selected class into another.
    void renameAndMergeClasses()
    {
        auto table = child<QTableWidget>(m_dock, "dataClassTable");
        table->setCurrentCell(1, 0);
        table->editItem(table->item(1, 0));
        auto editor = table->viewport()->findChild<QLineEdit *>();
        QVERIFY(editor);
        editor->selectAll();
        QTest::keyClicks(editor, "bee");
        QTest::keyClick(editor, Qt::Key_Return);
        QTRY_COMPARE(m_project->store()->dataset(1)->classes, QStringList({"a", "bee", "c"}));
        QCOMPARE(child<QComboBox>(m_dock, "dataRelabelTarget")->itemText(1), QStringLiteral("bee"));

        // A name another class has is refused, named, and the cell shows the name it has.
        table->item(1, 0)->setText("c");
        QTRY_VERIFY(child<QLabel>(m_dock, "dataError")->isVisible());
        QVERIFY(child<QLabel>(m_dock, "dataError")->text().contains("already has a class 'c'"));
        QCOMPARE(table->item(1, 0)->text(), QStringLiteral("bee"));

        table->selectRow(0);
        choose(child<QComboBox>(m_dock, "dataMergeTarget"), "c");
        auto merge = child<QPushButton>(m_dock, "dataMergeButton");
        QVERIFY(merge->isEnabled());
        QTest::mouseClick(merge, Qt::LeftButton);
        QCOMPARE(m_project->store()->dataset(1)->classes, QStringList({"bee", "c"}));
        QCOMPARE(labels(*m_project), QVector<int>({1, 0, 1, 1, 0, 1, 1, 0, 1}));
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->item(1, 1)->text(), QStringLiteral("6"));
        QVERIFY(!merge->isEnabled());   // two classes left

        auto undo = child<QPushButton>(m_dock, "dataUndoButton");
        QTest::mouseClick(undo, Qt::LeftButton);   // the merge
        QCOMPARE(m_project->store()->dataset(1)->classes, QStringList({"a", "bee", "c"}));
        QCOMPARE(labels(*m_project), QVector<int>({0, 1, 2, 0, 1, 2, 0, 1, 2}));
        QTest::mouseClick(undo, Qt::LeftButton);   // the rename
        QCOMPARE(m_project->store()->dataset(1)->classes, QStringList({"a", "b", "c"}));
        QVERIFY(!undo->isEnabled());
    }

    // A run uses the dataset: samples and classes are read-only (said, buttons off), the copy is
    // edited; an edit made before the run cannot be undone any more and says why.
    // The split row starts at the dataset's split (6/2/1 of 9 is 67 % and 22 %); 50 % and 25 %
    // with seed 5 give two train and one validation sample per class (three each), test none.
    void splitAgainAndUndo()
    {
        const auto splitCounts = [this] {
            const DatasetInfo info = m_project->store()->dataset(1).value();
            return QVector<int>{info.splitCounts[0], info.splitCounts[1], info.splitCounts[2]};
        };
        auto train = child<QSpinBox>(m_dock, "dataSplitTrain");
        auto val = child<QSpinBox>(m_dock, "dataSplitValidation");
        auto seed = child<QSpinBox>(m_dock, "dataSplitSeed");
        auto button = child<QPushButton>(m_dock, "dataResplitButton");
        QCOMPARE(train->value(), 67);
        QCOMPARE(val->value(), 22);
        QCOMPARE(child<QLabel>(m_dock, "dataSplitTest")->text(), QStringLiteral("test 11 %"));
        val->setValue(40);
        train->setValue(70);
        QVERIFY(!button->isEnabled());   // over 100 %
        train->setValue(50);
        val->setValue(25);
        seed->setValue(5);
        QVERIFY(button->isEnabled());
        QTest::mouseClick(button, Qt::LeftButton);
        QCOMPARE(splitCounts(), (QVector<int>{6, 3, 0}));
        QCOMPARE(m_project->store()->dataset(1)->splitSeed, 5u);
        QVERIFY(child<QLabel>(m_dock, "dataSummary")->text().contains(QStringLiteral("6 train, 3 validation, 0 test")));
        QTest::mouseClick(child<QPushButton>(m_dock, "dataUndoButton"), Qt::LeftButton);
        QCOMPARE(splitCounts(), (QVector<int>{6, 2, 1}));
        QCOMPARE(train->value(), 67);   // the row follows the dataset
        QTest::mouseClick(child<QPushButton>(m_dock, "dataRedoButton"), Qt::LeftButton);
        QCOMPARE(splitCounts(), (QVector<int>{6, 3, 0}));
    }

    void inUseCopyAndRefusedUndo()
    {
        auto view = child<QListView>(m_dock, "dataThumbnails");
        clickThumbnail(view, 0);
        QTest::mouseClick(child<QPushButton>(m_dock, "dataExcludeButton"), Qt::LeftButton);
        QCOMPARE(m_project->store()->dataset(1)->sampleCount(), 8);

        auto arch = m_project->store()->addArchitecture("net", "{}");
        QVERIFY(arch.ok());
        QVERIFY(m_project->store()->createRun(1, arch.value(), "{}").ok());
        m_project->notifyContentsChanged();
        QVERIFY(child<QLabel>(m_dock, "dataEditNote")->isVisible());
        QVERIFY(child<QLabel>(m_dock, "dataEditNote")->text().contains("used by 1 training run(s)"));
        clickThumbnail(view, 0);
        QVERIFY(!child<QPushButton>(m_dock, "dataExcludeButton")->isEnabled());
        QVERIFY(!child<QPushButton>(m_dock, "dataRelabelButton")->isEnabled());

        // The exclusion made before the run stays: undo says why and drops it from the history.
        QUndoStack *stack = m_dock->undoStack();
        QCOMPARE(stack->count(), 1);
        QTest::mouseClick(child<QPushButton>(m_dock, "dataUndoButton"), Qt::LeftButton);
        QCOMPARE(m_project->store()->dataset(1)->sampleCount(), 8);
        QVERIFY(child<QLabel>(m_dock, "dataError")->text().contains("used by 1 training run(s)"));
        QCOMPARE(stack->count(), 0);

        // Copy dataset: the copy is shown, editable, and undoing the copy removes it.
        QTest::mouseClick(child<QPushButton>(m_dock, "dataCopyButton"), Qt::LeftButton);
        const qint64 copy = m_dock->currentDatasetId();
        QVERIFY(copy != 1);
        QCOMPARE(m_project->store()->dataset(copy)->name, QStringLiteral("abc (copy)"));
        QCOMPARE(m_project->store()->dataset(copy)->sampleCount(), 8);
        QVERIFY(!child<QLabel>(m_dock, "dataEditNote")->isVisible());
        clickThumbnail(view, 0);
        QVERIFY(child<QPushButton>(m_dock, "dataExcludeButton")->isEnabled());
        QTest::mouseClick(child<QPushButton>(m_dock, "dataExcludeButton"), Qt::LeftButton);
        QCOMPARE(m_project->store()->dataset(copy)->sampleCount(), 7);
        QCOMPARE(m_project->store()->dataset(1)->sampleCount(), 8);
        auto undo = child<QPushButton>(m_dock, "dataUndoButton");
        QTest::mouseClick(undo, Qt::LeftButton);   // the exclusion in the copy
        QTest::mouseClick(undo, Qt::LeftButton);   // the copy
        QVERIFY(!m_project->store()->dataset(copy).ok());
        QCOMPARE(m_dock->currentDatasetId(), 1);
    }
};

QTEST_MAIN(TestDataDockLabels)
#include "tst_datadock_labels.moc"
