"""The notes' loss functions on their own numbers, and the gradients behind them.

1. Multiclass SVM (hinge) loss on the notes' 3-class scores (cat, car, frog; one column per
   image): L_i = Σ_{j≠y_i} max(0, s_j - s_{y_i} + 1) gives 2.9, 0 and 12.9. PyTorch's
   `MultiMarginLoss` (ours too) divides that sum by the number of classes C.
2. Softmax cross-entropy on the same scores, L_i = -ln softmax(s)_{y_i}: 2.04 for the cat
   image. The notes' 0.89 is -log10(0.13): the base-10 logarithm slipped in.
3. MSE as the notes' ½Σ(y - t)² and as the mean PyTorch's `MSELoss` takes.
4. The Keras loss catalogue of the notes, one small example each, against a NumPy formula.
5. The gradients: softmax + cross-entropy gives (y - t)/N at the logits, and the Affine
   layer's backward is dX = dY·Wᵀ, dW = Xᵀ·dY, db = Σ dY, all checked against autograd.
"""
from __future__ import annotations

from pathlib import Path

# _common first: it limits BLAS threads, which must happen before NumPy loads.
from _common import make_parser, print_table, pyplot, result, save_figure, setup

import numpy as np

import autograd as ag
import nn

CLASSES = ("cat", "car", "frog")
# The notes' scores: rows are classes, columns the three images (a cat, a car, a frog).
SCORES = np.array([[3.2, 1.3, 2.2], [5.1, 4.9, 2.5], [-1.7, 2.0, -3.1]])
LABELS = np.array([0, 1, 2])


def svm_losses() -> tuple[np.ndarray, np.ndarray]:
    """The notes' per-image sums, from Tensor ops, and MultiMarginLoss's per-image values."""
    s = ag.Tensor(SCORES.T)  # one row per image
    correct = s[np.arange(3), LABELS].reshape(3, 1)
    margins = nn.functional.relu(s - correct + 1.0)
    notes = (margins.sum(axis=1) - 1.0).data  # the j = y_i term is max(0, 1) = 1: drop it
    torch_style = nn.MultiMarginLoss(reduction="none")(s, ag.Tensor(LABELS)).data
    return notes, torch_style


def softmax_example() -> list[list]:
    """The notes' softmax steps for the cat image: exp, normalise, -log."""
    s = SCORES[:, 0]
    probs = nn.functional.softmax(ag.Tensor(s), axis=0).data
    return [[name, score, np.exp(score), p] for name, score, p in zip(CLASSES, s, probs)]


def keras_catalogue() -> list[list]:
    """(loss, our value, NumPy formula) for one example of every loss the notes list."""
    t_reg, y_reg = np.array([[1.0, 2.0, 3.0]]), np.array([[1.5, 1.8, 2.0]])
    t_bin, p_bin = np.array([[1.0, 0.0, 1.0]]), np.array([[0.9, 0.2, 0.6]])
    t_cat, p_cat = np.array([[0.0, 1.0, 0.0]]), np.array([[0.1, 0.7, 0.2]])
    t_pm, y_pm = np.array([[1.0, -1.0, 1.0]]), np.array([[0.8, -0.3, -0.5]])
    T = ag.Tensor
    rows = [
        ("binary cross-entropy", nn.BCELoss()(T(p_bin), T(t_bin)),
         -np.mean(t_bin * np.log(p_bin) + (1 - t_bin) * np.log(1 - p_bin))),
        ("categorical cross-entropy", nn.NLLLoss()(T(np.log(p_cat)), T(np.array([1]))),
         -np.sum(t_cat * np.log(p_cat))),
        ("sparse categorical CE (index)", nn.CrossEntropyLoss()(T(np.log(p_cat)),
                                                                 T(np.array([1]))),
         -np.log(p_cat[0, 1])),
        ("Poisson", nn.PoissonNLLLoss(log_input=False, eps=0.0)(T(y_reg), T(t_reg)),
         np.mean(y_reg - t_reg * np.log(y_reg))),
        ("KL divergence", nn.KLDivLoss(reduction="sum")(T(np.log(p_cat)), T(t_cat)),
         np.sum(t_cat[t_cat > 0] * np.log(t_cat[t_cat > 0] / p_cat[t_cat > 0]))),
        ("mean squared error", nn.MSELoss()(T(y_reg), T(t_reg)), np.mean((y_reg - t_reg) ** 2)),
        ("mean absolute error", nn.L1Loss()(T(y_reg), T(t_reg)), np.mean(np.abs(y_reg - t_reg))),
        ("mean absolute % error", nn.MAPELoss()(T(y_reg), T(t_reg)),
         100 * np.mean(np.abs(t_reg - y_reg) / np.abs(t_reg))),
        ("mean squared log error", nn.MSLELoss()(T(y_reg), T(t_reg)),
         np.mean((np.log1p(y_reg) - np.log1p(t_reg)) ** 2)),
        ("cosine similarity (Keras: -cos)",
         nn.CosineEmbeddingLoss()(T(y_reg), T(t_reg), T(np.array([1.0]))) - 1.0,
         -np.sum(y_reg * t_reg) / np.linalg.norm(y_reg) / np.linalg.norm(t_reg)),
        ("Huber (δ = 1)", nn.HuberLoss()(T(y_reg), T(t_reg)),
         np.mean(np.where(np.abs(y_reg - t_reg) < 1, 0.5 * (y_reg - t_reg) ** 2,
                          np.abs(y_reg - t_reg) - 0.5))),
        ("log-cosh", nn.LogCoshLoss()(T(y_reg), T(t_reg)), np.mean(np.log(np.cosh(y_reg - t_reg)))),
        ("hinge (t = ±1)", nn.HingeLoss()(T(y_pm), T(t_pm)),
         np.mean(np.maximum(1 - t_pm * y_pm, 0))),
        ("squared hinge", nn.SquaredHingeLoss()(T(y_pm), T(t_pm)),
         np.mean(np.maximum(1 - t_pm * y_pm, 0) ** 2)),
        ("categorical hinge", nn.CategoricalHingeLoss()(T(p_cat), T(t_cat)),
         max(np.max((1 - t_cat) * p_cat) - np.sum(t_cat * p_cat) + 1, 0.0)),
    ]
    return [[name, ours.item(), float(ref), abs(ours.item() - float(ref)) < 1e-6]
            for name, ours, ref in rows]


def gradient_checks(seed: int) -> list[list]:
    """Largest |autograd - formula| for softmax+CE's y - t and the Affine backward."""
    rng = np.random.default_rng(seed)
    logits = ag.Tensor(rng.normal(size=(4, 3)), requires_grad=True)
    targets = np.array([0, 2, 1, 2])
    nn.CrossEntropyLoss()(logits, ag.Tensor(targets)).backward()
    y = np.exp(logits.data) / np.exp(logits.data).sum(axis=1, keepdims=True)
    t = np.eye(3)[targets]
    x = ag.Tensor(rng.normal(size=(5, 3)), requires_grad=True)
    layer = nn.Dense(3, 4, dtype=np.float64)
    dy = rng.normal(size=(5, 4))
    layer(x).backward(ag.Tensor(dy))
    w = layer.weight.data
    return [
        ["softmax + CE: dL/dlogits = (y - t)/N", np.abs(logits.grad.data - (y - t) / 4).max()],
        ["Affine: dX = dY·Wᵀ", np.abs(x.grad.data - dy @ w.T).max()],
        ["Affine: dW = Xᵀ·dY", np.abs(layer.weight.grad.data - x.data.T @ dy).max()],
        ["Affine: db = Σ dY", np.abs(layer.bias.grad.data - dy.sum(axis=0)).max()],
    ]


def plot(out_path: Path) -> None:
    """Regression losses against the residual, classification losses against the margin."""
    plt = pyplot(out_path.name)
    if plt is None:
        return
    d = np.linspace(-3, 3, 301)
    z = ag.Tensor(np.zeros_like(d))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for name, loss in (("MSE (y - t)²", nn.MSELoss(reduction="none")),
                       ("½(y - t)², the notes' ½Σ", None),
                       ("MAE |y - t|", nn.L1Loss(reduction="none")),
                       ("Huber, δ = 1", nn.HuberLoss(reduction="none"))):
        values = 0.5 * d ** 2 if loss is None else loss(ag.Tensor(d), z).data
        ax1.plot(d, values, label=name)
    ax1.plot(d, np.log(np.cosh(d)), label="log-cosh")
    ax1.set(xlabel="residual y - t", ylabel="loss", ylim=(0, 4.5),
            title="Regression losses")
    m = ag.Tensor(d.reshape(-1, 1))
    ones = ag.Tensor(np.ones((len(d), 1)))
    ax2.plot(d, nn.HingeLoss(reduction="none")(m, ones).data, label="hinge max(0, 1 - m)")
    ax2.plot(d, nn.SquaredHingeLoss(reduction="none")(m, ones).data, label="squared hinge")
    ax2.plot(d, np.logaddexp(0, -d), label="logistic (BCE on logits)")
    ax2.plot(d, (d < 0).astype(float), "k:", label="0-1 loss")
    ax2.set(xlabel="margin m = t·score (t = ±1)", ylabel="loss", ylim=(0, 4.5),
            title="Classification losses")
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    save_figure(fig, out_path)


def main() -> None:
    parser = make_parser(__doc__.splitlines()[0])
    args = parser.parse_args()
    out = setup(args, __file__)  # a few small formulas: --quick runs everything

    notes_svm, torch_svm = svm_losses()
    rows = [[CLASSES[i], SCORES[LABELS[i], i], notes_svm[i], torch_svm[i],
             torch_svm[i] * len(CLASSES)] for i in range(3)]
    print_table(["image", "correct score", "notes' Σ hinge", "MultiMarginLoss",
                 "MultiMarginLoss × C"], rows, title="Multiclass SVM loss (notes: 2.9, 0, 12.9)")
    print(f"mean over images: {notes_svm.mean():.4g} (the notes' L = (2.9 + 0 + 12.9)/3 = 5.27); "
          "MultiMarginLoss averages over the C = 3 classes too, so it is the notes' value / 3")
    for i in range(3):
        result(loss="svm", image=CLASSES[i], notes_sum=notes_svm[i], multimargin=torch_svm[i])

    print_table(["class", "score", "exp(score)", "probability"], softmax_example(),
                title="Softmax on the cat image's scores (notes: 24.5, 164.0, 0.18 → 0.13, "
                      "0.87, 0.00)")
    ce = nn.CrossEntropyLoss(reduction="none")(ag.Tensor(SCORES.T), ag.Tensor(LABELS)).data
    p_cat = softmax_example()[0][3]
    print(f"cross-entropy per image (natural log): {', '.join(f'{v:.4g}' for v in ce)}; "
          f"cat: -ln {p_cat:.3f} = {-np.log(p_cat):.4g}. The notes' 0.89 is "
          f"-log10 {p_cat:.3f} = {-np.log10(p_cat):.3g}: a base-10 slip")
    result(loss="softmax_ce", image="cat", natural_log=ce[0], log10=-np.log10(p_cat))

    y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
    t = np.eye(10)[2]
    half_sum = 0.5 * np.sum((y - t) ** 2)
    mean = nn.MSELoss()(ag.Tensor(y), ag.Tensor(t)).item()
    print(f"\nMSE of a 10-class prediction (0.6 on the right class): the notes' ½Σ(y - t)² = "
          f"{half_sum:.4g}; MSELoss (mean) = {mean:.4g} = ½Σ · 2/{len(y)}")
    result(loss="mse", half_sum=half_sum, mean=mean)

    catalogue = keras_catalogue()
    print_table(["loss (Keras name)", "ours", "NumPy formula", "agree"], catalogue,
                title="The notes' Keras catalogue, one example each:")
    result(loss="catalogue", count=len(catalogue), agree=sum(r[3] for r in catalogue))

    checks = gradient_checks(args.seed)
    print_table(["gradient", "max |autograd - formula|"], checks,
                title="Backward formulas of the notes against autograd:")
    result(check="gradients", softmax_ce=checks[0][1],
           affine=max(r[1] for r in checks[1:]))
    plot(out / "losses.png")


if __name__ == "__main__":
    main()
