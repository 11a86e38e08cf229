// `lepton arch`: architecture templates, graph files and ONNX imports — summary table, validation,
// saving into the project, JSON export.
#include "cliutil.h"
#include "graph/modelgraph.h"
#include "graph/onnximport.h"
#include "graph/templates.h"
#include "project/projectstore.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>

namespace lepton::Cli {
namespace {

QString thousands(qint64 v)
{
    QString s = QString::number(v);
    for (int i = s.size() - 3; i > (v < 0 ? 1 : 0); i -= 3)
        s.insert(i, QLatin1Char(','));
    return s;
}

QJsonObject analysisJson(const ModelGraph &graph, const GraphAnalysis &a)
{
    QJsonArray layers;
    for (const NodeAnalysis &n : a.nodes) {
        QJsonObject o{{"id", n.id}, {"type", n.type}, {"parameters", n.parameters}, {"macs", n.macs}};
        o.insert(QStringLiteral("output_shape"), QJsonArray::fromVariantList([&] {
                     QVariantList dims;
                     for (qint64 d : n.outputShape.dims)
                         dims << d;
                     return dims;
                 }()));
        if (!n.error.isEmpty())
            o.insert(QStringLiteral("error"), n.error);
        layers.append(o);
    }
    return QJsonObject{{"name", graph.name},
                       {"valid", a.valid()},
                       {"input_shape", a.inputShape.toString()},
                       {"output_shape", a.outputShape.toString()},
                       {"total_parameters", a.totalParameters},
                       {"total_macs", a.totalMacs},
                       {"size_bytes", a.sizeBytes},
                       {"layers", layers},
                       {"errors", QJsonArray::fromStringList(a.errors)}};
}

void printTable(const ModelGraph &graph, const GraphAnalysis &a)
{
    out() << "architecture '" << graph.name << "'\n";
    out() << QStringLiteral("%1 %2 %3 %4 %5\n")
                 .arg(QStringLiteral("layer"), -18)
                 .arg(QStringLiteral("type"), -16)
                 .arg(QStringLiteral("output"), -14)
                 .arg(QStringLiteral("params"), 12)
                 .arg(QStringLiteral("MACs"), 14);
    for (const NodeAnalysis &n : a.nodes) {
        out() << QStringLiteral("%1 %2 %3 %4 %5")
                     .arg(n.id, -18)
                     .arg(n.type, -16)
                     .arg(n.error.isEmpty() ? n.outputShape.toString() : QStringLiteral("?"), -14)
                     .arg(thousands(n.parameters), 12)
                     .arg(thousands(n.macs), 14);
        if (!n.error.isEmpty())
            out() << "  ! " << n.error;
        out() << "\n";
    }
    out() << "total: " << thousands(a.totalParameters) << " parameters, " << thousands(a.totalMacs)
          << " MACs per sample, " << thousands(a.sizeBytes) << " bytes (float32 parameters + buffers); input "
          << a.inputShape.toString() << ", output " << a.outputShape.toString() << "\n"
          << Qt::flush;
}

int listTemplates(bool json)
{
    QJsonArray list;
    for (const ArchitectureTemplate &t : architectureTemplates()) {
        list.append(QJsonObject{{"name", t.name}, {"title", t.title}, {"description", t.description},
                                {"tabular", !t.imageOnly}, {"provider", t.provider}});
        if (!json)
            out() << QStringLiteral("%1 %2%3\n")
                         .arg(t.name, -10)
                         .arg(t.description,
                              t.provider.isEmpty() ? QString() : QStringLiteral(" [plugin %1]").arg(t.provider));
    }
    if (json)
        printJson({{"templates", list}});
    out() << Qt::flush;
    return Ok;
}

int exportJson(ProjectStore &store, const QString &idText, const QString &outPath, bool json)
{
    bool ok = false;
    const qint64 id = idText.toLongLong(&ok);
    if (!ok)
        return fail(QStringLiteral("--architecture must be an architecture id, got '%1'").arg(idText));
    auto arch = store.architecture(id);
    if (!arch)
        return fail(arch.error());
    auto graph = ModelGraph::fromJson(arch->graphJson.toUtf8());
    if (!graph)
        return fail(QStringLiteral("architecture %1: %2").arg(id).arg(graph.error()));
    const QByteArray bytes = graph->toJson();
    QFile f(outPath);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size())
        return fail(QStringLiteral("cannot write '%1': %2").arg(outPath, f.errorString()));
    if (json)
        printJson({{"architecture_id", id}, {"path", QFileInfo(outPath).absoluteFilePath()}, {"bytes", qint64(bytes.size())}});
    else
        out() << "architecture " << id << " (" << arch->name << " v" << arch->version << ") written to " << outPath
              << "\n"
              << Qt::flush;
    return Ok;
}

// The dataset the template is sized for: --dataset, or the project's only dataset.
Result<DatasetInfo> projectDataset(ProjectStore &store, const QCommandLineParser &p)
{
    if (p.isSet(QStringLiteral("dataset")))
        return store.dataset(p.value(QStringLiteral("dataset")).toLongLong());
    auto all = store.datasets();
    if (!all)
        return Result<DatasetInfo>::failure(all.error());
    if (all->size() != 1)
        return Result<DatasetInfo>::failure(
            QStringLiteral("give --input and --classes (the project has %1 datasets to size the template from; "
                           "or pick one with --dataset)")
                .arg(all->size()));
    return store.dataset(all->first().id);
}

} // namespace

int cmdArch(const QStringList &args)
{
    Parsed p;
    QCommandLineParser &cl = p.parser;
    cl.addOption({QStringLiteral("template"), QStringLiteral("Built-in template (see --list-templates)."),
                  QStringLiteral("NAME")});
    cl.addOption({QStringLiteral("file"), QStringLiteral("Architecture graph JSON file."), QStringLiteral("G.json")});
    cl.addOption({QStringLiteral("import-onnx"), QStringLiteral("Import an ONNX model's graph and weights."),
                  QStringLiteral("MODEL.onnx")});
    cl.addOption({QStringLiteral("input"),
                  QStringLiteral("Template input: CxHxW image or N features (default: the project's dataset)."),
                  QStringLiteral("SHAPE")});
    cl.addOption({QStringLiteral("classes"), QStringLiteral("Template output classes (default: the dataset's)."),
                  QStringLiteral("K")});
    cl.addOption({QStringLiteral("dataset"), QStringLiteral("Dataset id to size the template from."),
                  QStringLiteral("ID")});
    cl.addOption({QStringLiteral("name"), QStringLiteral("Name to save the architecture under."), QStringLiteral("NAME")});
    cl.addOption({QStringLiteral("summary"), QStringLiteral("Print the per-layer table and totals (the default).")});
    cl.addOption({QStringLiteral("save"), QStringLiteral("Store the (valid) graph as a new architecture version.")});
    cl.addOption({QStringLiteral("list-templates"), QStringLiteral("List the built-in templates.")});
    cl.addOption({QStringLiteral("export-json"), QStringLiteral("Write architecture --architecture ID as JSON to OUT."),
                  QStringLiteral("OUT")});
    cl.addOption({QStringLiteral("architecture"), QStringLiteral("Architecture id for --export-json."),
                  QStringLiteral("ID")});
    if (int rc = parse(p, QStringLiteral("arch"),
                       QStringLiteral("Show, check and save architectures: templates, graph JSON files, ONNX models."),
                       args, {QStringLiteral("PROJECT")});
        rc >= 0)
        return rc;
    const bool json = cl.isSet(p.json);
    if (cl.isSet(QStringLiteral("list-templates")))
        return listTemplates(json);

    const QString project = cl.positionalArguments().first();
    int sources = 0;
    for (const char *o : {"template", "file", "import-onnx", "export-json"})
        sources += cl.isSet(QLatin1String(o)) ? 1 : 0;
    if (sources != 1)
        return usageError(cl, QStringLiteral("give exactly one of --template, --file, --import-onnx, --export-json, "
                                             "--list-templates"));
    auto store = ProjectStore::open(project);
    if (!store)
        return fail(store.error());
    if (cl.isSet(QStringLiteral("export-json"))) {
        if (!cl.isSet(QStringLiteral("architecture")))
            return usageError(cl, QStringLiteral("--export-json needs --architecture ID"));
        return exportJson(*store.value(), cl.value(QStringLiteral("architecture")), cl.value(QStringLiteral("export-json")),
                          json);
    }

    ModelGraph graph;
    QByteArray importedWeights;
    QStringList notes;
    if (cl.isSet(QStringLiteral("template"))) {
        TensorShape input;
        int classes = 0;
        if (cl.isSet(QStringLiteral("input"))) {
            auto shape = parseInputShape(cl.value(QStringLiteral("input")));
            if (!shape)
                return usageError(cl, shape.error());
            input = shape.value();
        }
        QString error;
        if (!intOption(cl, QStringLiteral("classes"), &classes, 1, &error))
            return usageError(cl, error);
        if (input.dims.isEmpty() || classes == 0) {
            auto dataset = projectDataset(*store.value(), cl);
            if (!dataset)
                return fail(dataset.error());
            if (input.dims.isEmpty())
                input = TensorShape{{dataset->channels, dataset->height, dataset->width}};
            if (classes == 0)
                classes = dataset->outputCount();
        }
        auto made = makeTemplate(cl.value(QStringLiteral("template")), input, classes);
        if (!made)
            return fail(made.error());
        graph = made.value();
    } else if (cl.isSet(QStringLiteral("file"))) {
        QFile f(cl.value(QStringLiteral("file")));
        if (!f.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("cannot read '%1': %2").arg(f.fileName(), f.errorString()));
        auto parsed = ModelGraph::fromJson(f.readAll());
        if (!parsed)
            return fail(QStringLiteral("%1: %2").arg(f.fileName(), parsed.error()));
        graph = parsed.value();
    } else {
        auto imported = importOnnxModel(cl.value(QStringLiteral("import-onnx")));
        if (!imported)
            return fail(imported.error());
        graph = imported->graph;
        importedWeights = imported->weights;
        notes = imported->notes;
    }
    if (cl.isSet(QStringLiteral("name")))
        graph.name = cl.value(QStringLiteral("name"));
    if (graph.name.isEmpty())
        graph.name = QStringLiteral("imported");

    const GraphAnalysis analysis = analyzeGraph(graph);
    QJsonObject result = analysisJson(graph, analysis);
    if (!notes.isEmpty())
        result.insert(QStringLiteral("notes"), QJsonArray::fromStringList(notes));
    if (!json) {
        printTable(graph, analysis);
        for (const QString &n : notes)
            out() << "note: " << n << "\n";
        out() << Qt::flush;
    }
    if (!analysis.valid()) {
        if (json)
            printJson(result);
        return fail(QStringLiteral("architecture '%1' is invalid: %2")
                        .arg(graph.name, analysis.errors.join(QLatin1String("; "))));
    }
    if (cl.isSet(QStringLiteral("save"))) {
        // Imported weights become a model version (no run) of a dataset with the model's input
        // shape and class count (--dataset, else the first that fits).
        auto stored = storeImportedModel(*store.value(), graph, importedWeights,
                                         QFileInfo(cl.value(QStringLiteral("import-onnx"))).fileName(),
                                         cl.value(QStringLiteral("dataset")).toLongLong());
        if (!stored)
            return fail(stored.error());
        auto saved = store.value()->architecture(stored->architectureId);
        if (!saved)
            return fail(saved.error());
        result.insert(QStringLiteral("architecture_id"), stored->architectureId);
        result.insert(QStringLiteral("architecture_version"), stored->architectureVersion);
        if (!json)
            out() << "saved as architecture " << stored->architectureId << " ('" << saved->name << "' version "
                  << stored->architectureVersion << ")\n"
                  << Qt::flush;
        if (!importedWeights.isEmpty()) {
            if (stored->modelVersionId > 0) {
                result.insert(QStringLiteral("model_version_id"), stored->modelVersionId);
                if (!json)
                    out() << "imported weights saved as model version " << stored->modelVersionId << "\n" << Qt::flush;
            } else {
                result.insert(QStringLiteral("weights_note"), stored->weightsNote);
                if (!json)
                    out() << "note: " << stored->weightsNote << "\n" << Qt::flush;
            }
        }
    }
    if (json)
        printJson(result);
    return Ok;
}

} // namespace lepton::Cli
