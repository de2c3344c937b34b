/**
 * A skeleton figure as SVG, in the standard rendering's colours (OPENPOSE.md): each limb in its colour
 * dimmed by 0.6, each joint a circle in its colour, face points white, hands blue. Drawn in canvas pixels
 * inside an SVG whose viewBox is the canvas, so it sits exactly over the PNG the core renders.
 */
import type { SkeletonFigure } from '../../../../src/domain/skeleton';
import {
  BODY_LIMBS,
  FACE_POINT_RADIUS,
  HAND_EDGES,
  JOINT_RADIUS,
  LIMB_DIMMING,
  OPENPOSE_COLOURS,
  STICK_WIDTH,
  handEdgeColour,
} from '../../../../src/skeleton';

const rgb = (c: readonly number[], k = 1): string => `rgb(${c.map((v) => Math.round(v * k)).join(' ')})`;

export const jointColour = (index: number): string => rgb(OPENPOSE_COLOURS[index] ?? [255, 255, 255]);

/** Limbs, hands and face of a figure (the joints are drawn by the caller, who makes them controls). */
export function FigureLimbs(props: { figure: SkeletonFigure; scale?: number }) {
  const { figure } = props;
  const k = props.scale ?? 1;
  const hand = (points: SkeletonFigure['leftHand'], key: string) =>
    points ? (
      <g key={key}>
        {HAND_EDGES.map(([a, b], i) => {
          const p = points[a];
          const q = points[b];
          return p && q ? (
            <line
              key={i}
              x1={p.x}
              y1={p.y}
              x2={q.x}
              y2={q.y}
              stroke={rgb(handEdgeColour(i))}
              strokeWidth={2 * k}
            />
          ) : null;
        })}
        {points.map((p, i) =>
          p ? <circle key={i} cx={p.x} cy={p.y} r={JOINT_RADIUS * k * 0.75} fill="rgb(0 0 255)" /> : null,
        )}
      </g>
    ) : null;
  return (
    <g>
      {BODY_LIMBS.map(([a, b], i) => {
        const p = figure.body[a];
        const q = figure.body[b];
        return p && q ? (
          <line
            key={i}
            x1={p.x}
            y1={p.y}
            x2={q.x}
            y2={q.y}
            stroke={rgb(OPENPOSE_COLOURS[i] ?? [255, 255, 255], LIMB_DIMMING)}
            strokeWidth={2 * STICK_WIDTH * k}
            strokeLinecap="round"
          />
        ) : null;
      })}
      {hand(figure.leftHand, 'left')}
      {hand(figure.rightHand, 'right')}
      {figure.face?.map((p, i) =>
        p ? <circle key={i} cx={p.x} cy={p.y} r={FACE_POINT_RADIUS * k * 0.75} fill="white" /> : null,
      )}
    </g>
  );
}

/** A whole figure, joints included, for previews (the composer). */
export function FigureShape(props: { figure: SkeletonFigure; scale?: number }) {
  const k = props.scale ?? 1;
  return (
    <g>
      <FigureLimbs figure={props.figure} scale={k} />
      {props.figure.body.map((p, i) =>
        p ? <circle key={i} cx={p.x} cy={p.y} r={JOINT_RADIUS * k} fill={jointColour(i)} /> : null,
      )}
    </g>
  );
}
