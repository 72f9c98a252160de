using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Skyhook.Core.Identity;

namespace Skyhook.Controller.Storage;

internal sealed class UserEntityConfiguration : IEntityTypeConfiguration<UserEntity>
{
    public void Configure(EntityTypeBuilder<UserEntity> builder)
    {
        builder.ToTable("users");
        builder.Property(u => u.Name).HasMaxLength(UserName.MaxLength);
        builder.Property(u => u.NormalizedName).HasMaxLength(UserName.MaxLength);
        builder.HasIndex(u => u.NormalizedName).IsUnique();
        builder.Property(u => u.Email).HasMaxLength(254);
        builder.Property(u => u.PasswordHash).HasMaxLength(200);
        builder.Property(u => u.ProtectedTotpSecret).HasMaxLength(1000);
        builder.Property(u => u.LastTotpAttempt).HasMaxLength(64);
        builder.Property(u => u.Version).IsConcurrencyToken();
        builder.HasOne(u => u.Profile).WithMany().HasForeignKey(u => u.ProfileId).OnDelete(DeleteBehavior.Restrict);
    }
}
