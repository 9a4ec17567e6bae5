// The answers of the token routes (issue 18): what POST /tokens, GET /tokens and the
// revocation return, for the OpenAPI document. Field names are the public contract.
import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '../roles.decorator.js';

/** POST /tokens, 201: the secret is in this answer only; only its SHA-256 is kept. */
export class IssuedTokenDto {
  @ApiProperty({ format: 'uuid' }) tokenId!: string;
  @ApiProperty({ description: 'The bearer secret, shown once', example: 'kl_…' }) token!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ type: String, nullable: true, description: 'null for an admin token' }) clusterId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'set for a member token only' }) memberId!: string | null;
  @ApiProperty() label!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null: does not expire' }) expiresAt!: string | null;
}

/** A token as listed and as revoked: never its secret. */
export class TokenRecordDto {
  @ApiProperty({ format: 'uuid' }) tokenId!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ type: String, nullable: true }) clusterId!: string | null;
  @ApiProperty({ type: String, nullable: true }) memberId!: string | null;
  @ApiProperty() label!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'set once revoked; effective at once' }) revokedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
}

/** GET /tokens. */
export class TokenListDto {
  @ApiProperty({ type: [TokenRecordDto] }) items!: TokenRecordDto[];
}
