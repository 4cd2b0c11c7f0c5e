/** The viewbox part of diagram-js's Canvas that fitting needs. */
export interface ViewBox {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface FitCanvas {
  zoom(level: 'fit-viewport', center?: 'auto'): number;
  viewbox(box?: ViewBox): ViewBox & { scale: number; inner: ViewBox; outer: { width: number; height: number } };
  resized(): void;
}

/** The smallest zoom at which task names stay legible. */
export const READABLE_SCALE = 0.75;

/**
 * Shows a diagram clear of `leftInset` screen pixels (the palette): the whole of it when it fits at a readable
 * zoom, else its beginning at a readable zoom (long regulations are wide).
 */
export function fitReadable(canvas: FitCanvas, leftInset = 0): void {
  canvas.resized();
  canvas.zoom('fit-viewport', 'auto');
  const box = canvas.viewbox();
  if (!box.scale || !Number.isFinite(box.scale) || !box.inner.width) return;
  const scale = Math.min(1, Math.max(box.scale, READABLE_SCALE));
  const width = (box.outer.width - leftInset) / scale;
  const height = box.outer.height / scale;
  const x = box.scale >= READABLE_SCALE ? box.inner.x - (width - box.inner.width) / 2 : box.inner.x - 20 / scale;
  canvas.viewbox({
    x: x - leftInset / scale,
    y: box.inner.y + box.inner.height / 2 - height / 2,
    width: width + leftInset / scale,
    height,
  });
}
