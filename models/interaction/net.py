"""The interaction model: encoder-free early fusion of one micro-turn's signals into a causal GRU core.

Training code only (PyTorch); the app runs the exported ONNX file with onnxruntime.
"""

from __future__ import annotations

import torch
from torch import nn

N_MELS = 32
FRAMES = 20
PATCH = 4
N_SCALARS = 19
N_USER = 6
N_ACTION = 6


class InteractionNet(nn.Module):
    """Light linear patch embeddings of mic and self mel frames plus scalars, fused, then a GRU."""

    def __init__(self, d: int = 224, layers: int = 2, dropout: float = 0.1) -> None:
        super().__init__()
        self.d, self.layers = d, layers
        n_patches = FRAMES // PATCH
        self.mic_patch = nn.Linear(PATCH * N_MELS, 64)
        self.self_patch = nn.Linear(PATCH * N_MELS, 24)
        self.scalar = nn.Linear(N_SCALARS, 48)
        fused = n_patches * (64 + 24) + 48
        self.fuse = nn.Sequential(nn.LayerNorm(fused), nn.Linear(fused, d), nn.GELU(), nn.Dropout(dropout),
                                  nn.Linear(d, d), nn.GELU(), nn.Dropout(dropout))
        self.gru = nn.GRU(d, d, num_layers=layers, batch_first=True, dropout=dropout)
        self.head_user = nn.Linear(d, N_USER)
        self.head_action = nn.Linear(d, N_ACTION)
        self.head_cue = nn.Linear(d, 1)

    def embed(self, mic: torch.Tensor, self_mel: torch.Tensor, scalars: torch.Tensor) -> torch.Tensor:
        """[..., FRAMES, N_MELS] x2 + [..., N_SCALARS] -> [..., d]."""
        lead = mic.shape[:-2]
        m = self.mic_patch(mic.reshape(*lead, FRAMES // PATCH, PATCH * N_MELS)).reshape(*lead, -1)
        s = self.self_patch(self_mel.reshape(*lead, FRAMES // PATCH, PATCH * N_MELS)).reshape(*lead, -1)
        return self.fuse(torch.cat([m, s, self.scalar(scalars)], dim=-1))

    def heads(self, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Logits of the three heads."""
        return self.head_user(h), self.head_action(h), self.head_cue(h).squeeze(-1)

    def forward(self, mic: torch.Tensor, self_mel: torch.Tensor, scalars: torch.Tensor,
                state: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """Whole sequences [B, T, ...] -> logits [B, T, ...] and the final state."""
        out, state = self.gru(self.embed(mic, self_mel, scalars), state)
        return (*self.heads(out), state)


class StreamingStep(nn.Module):
    """One tick with the state as an explicit input and output: what is exported to ONNX.

    The GRU is written out as matrix products (same maths as nn.GRU), so int8 quantization reaches it.
    """

    def __init__(self, net: InteractionNet) -> None:
        super().__init__()
        self.net = net

    def _cell(self, x: torch.Tensor, h: torch.Tensor, layer: int) -> torch.Tensor:
        g = self.net.gru
        w_ih, w_hh = getattr(g, f"weight_ih_l{layer}"), getattr(g, f"weight_hh_l{layer}")
        b_ih, b_hh = getattr(g, f"bias_ih_l{layer}"), getattr(g, f"bias_hh_l{layer}")
        gi = x @ w_ih.t() + b_ih
        gh = h @ w_hh.t() + b_hh
        i_r, i_z, i_n = gi.chunk(3, dim=-1)
        h_r, h_z, h_n = gh.chunk(3, dim=-1)
        r = torch.sigmoid(i_r + h_r)
        z = torch.sigmoid(i_z + h_z)
        n = torch.tanh(i_n + r * h_n)
        return (1 - z) * n + z * h

    def forward(self, mic: torch.Tensor, self_mel: torch.Tensor, scalars: torch.Tensor,
                state: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """[1, FRAMES, N_MELS] x2, [1, N_SCALARS], [layers, 1, d] -> probabilities and the new state."""
        x = self.net.embed(mic, self_mel, scalars)
        new = []
        for layer in range(self.net.layers):
            x = self._cell(x, state[layer], layer)
            new.append(x)
        user, action, cue = self.net.heads(x)
        return torch.softmax(user, -1), torch.softmax(action, -1), torch.sigmoid(cue), torch.stack(new)
