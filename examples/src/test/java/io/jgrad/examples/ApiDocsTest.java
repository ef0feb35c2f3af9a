package io.jgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every public type of the API contract ({@code /work/shared/API.md}) that exists in this
 * repository has a class comment with a short example ({@code <pre>{@code ...}</pre>}), which
 * {@code mvn -q -pl '!examples,!bench,!launcher' javadoc:aggregate} turns into the API documentation (issue 21, item 7).
 */
class ApiDocsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final List<String> CONTRACT = List.of(
            "core-tensor:tensor/Tensor", "core-tensor:tensor/Rng", "core-tensor:tensor/DType",
            "core-tensor:tensor/backend/Backend",
            "autograd:autograd/Variable", "autograd:autograd/NoGrad", "autograd:autograd/Functional",
            "autograd:autograd/GradFn", "autograd:autograd/GradCheck",
            "nn:nn/Module", "nn:nn/Parameter", "nn:nn/Linear", "nn:nn/ReLU", "nn:nn/Sigmoid", "nn:nn/Tanh",
            "nn:nn/Softmax", "nn:nn/LogSoftmax", "nn:nn/BatchNorm1d", "nn:nn/BatchNorm2d", "nn:nn/Dropout",
            "nn:nn/Sequential", "nn:nn/Losses", "nn:nn/Conv2d", "nn:nn/MaxPool2d", "nn:nn/AvgPool2d",
            "nn:nn/LayerNorm", "nn:nn/GELU", "nn:nn/Flatten", "nn:nn/Embedding", "nn:nn/Checkpoints",
            "nn:nn/SafeTensors",
            "optim:optim/Optimizer", "optim:optim/GD", "optim:optim/SGD", "optim:optim/Adagrad",
            "optim:optim/RMSprop", "optim:optim/Adam", "optim:optim/AdamW", "optim:optim/LRScheduler",
            "optim:optim/StepLR", "optim:optim/ExponentialLR", "optim:optim/LinearLR",
            "optim:optim/CosineAnnealingLR", "optim:optim/BaseOptimizer", "optim:optim/OptimizerBuilder",
            "optim:optim/ParamState",
            "data:data/Dataset", "data:data/CsvDataset",
            "spark:spark/SparkTrainer", "spark:spark/ModelFactory",
            "train:train/Trainer", "train:train/DistillationTrainer", "train:train/SummaryWriter");
    /** The last Javadoc comment before the type's declaration. */
    private static final Pattern CLASS_COMMENT = Pattern.compile(
            "/\\*\\*((?:(?!\\*/).)*)\\*/\\s*(?:@\\w+(?:\\([^)]*\\))?\\s*)*(?:public\\s+)?(?:final\\s+|abstract\\s+|sealed\\s+)*"
                    + "(?:class|interface|record|enum)\\s+(\\w+)", Pattern.DOTALL);

    @Test
    void everyContractTypeHasAClassCommentWithAnExample() throws IOException {
        List<String> missing = new ArrayList<>();
        for (String entry : CONTRACT) {
            String[] parts = entry.split(":");
            Path file = ROOT.resolve(parts[0] + "/src/main/java/io/jgrad/" + parts[1] + ".java");
            String name = file.getFileName().toString().replace(".java", "");
            Matcher m = CLASS_COMMENT.matcher(Files.readString(file));
            String comment = null;
            while (m.find()) {
                if (m.group(2).equals(name)) {
                    comment = m.group(1);
                    break;
                }
            }
            if (comment == null || !comment.contains("<pre>")) {
                missing.add(entry);
            }
        }
        assertEquals(List.of(), missing, "contract types without a class comment holding an example");
    }
}
